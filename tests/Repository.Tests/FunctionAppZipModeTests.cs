using System.Buffers.Binary;
using System.IO.Compression;
using PackageZip;

namespace Repository.Tests;

/// <summary>
/// Issue 24 item 4: the zip's modes do not depend on the OS or file system it was built on. The source files here carry
/// no exec bit at all (as on Windows, or after a copy that lost it); the zip must still give the executable host.json
/// launches mode 0755, mark every entry "made by Unix" (so extractors honour the modes) and be byte-identical when
/// written twice.
/// </summary>
public sealed class FunctionAppZipModeTests : IDisposable
{
    private static readonly byte[] ElfPieHeader = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3E, 0];
    private readonly string _dir = Directory.CreateTempSubdirectory("zipmodes-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Modes_come_from_host_json_and_the_content_not_from_the_file_system()
    {
        var app = Directory.CreateDirectory(Path.Combine(_dir, "app")).FullName;
        File.WriteAllText(Path.Combine(app, "host.json"), """{ "customHandler": { "description": { "defaultExecutablePath": "Functions" } } }""");
        File.WriteAllBytes(Path.Combine(app, "Functions"), [.. ElfPieHeader, 1, 2, 3]);
        File.WriteAllBytes(Path.Combine(app, "createdump"), [.. ElfPieHeader, 4]);
        File.WriteAllBytes(Path.Combine(app, "libhostfxr.so"), [.. ElfPieHeader, 5]);
        File.WriteAllText(Path.Combine(app, "Functions.dll"), "MZ not an ELF");
        Directory.CreateDirectory(Path.Combine(app, "load"));
        File.WriteAllText(Path.Combine(app, "load", "function.json"), "{}");
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in Directory.EnumerateFiles(app, "*", SearchOption.AllDirectories))
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite); // 0600: nothing to inherit
            }
        }

        var first = Path.Combine(_dir, "first.zip");
        var second = Path.Combine(_dir, "second.zip");
        FunctionAppZip.Write(app, first);
        FunctionAppZip.Write(app, second);

        using (var zip = ZipFile.OpenRead(first))
        {
            var modes = zip.Entries.ToDictionary(e => e.FullName, e => Convert.ToString((e.ExternalAttributes >> 16) & 0xFFFF, 8));
            Assert.Equal(
                new Dictionary<string, string>
                {
                    ["Functions"] = "100755",
                    ["Functions.dll"] = "100644",
                    ["createdump"] = "100755",
                    ["host.json"] = "100644",
                    ["libhostfxr.so"] = "100644",
                    ["load/function.json"] = "100644",
                },
                modes);
        }

        Assert.All(MadeBy(first), host => Assert.Equal(3, host)); // 3 = Unix (APPNOTE.TXT 4.4.2)
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    /// <summary>The host byte of "version made by" of every central directory record.</summary>
    internal static List<int> MadeBy(string zipPath)
    {
        var bytes = File.ReadAllBytes(zipPath);
        var end = bytes.Length - 22;
        while (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end)) != 0x06054b50)
        {
            end--;
        }

        var hosts = new List<int>();
        var at = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end + 16));
        for (var n = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(end + 10)); n > 0; n--)
        {
            hosts.Add(bytes[at + 5]);
            at += 46 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 28)) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 30))
                + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 32));
        }

        return hosts;
    }
}
