using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace PackageZip;

/// <summary>
/// Writes the function app zip the same way on every OS (ADR 0013, ADR 0018): fixed order and timestamps, and Unix modes
/// that do not depend on the file system it was built on. Flex Consumption mounts the package read-only, so a chmod at
/// start cannot fix a lost exec bit (Azure/Azure-Functions#2537): the zip must carry it. Windows file systems have no
/// exec bit and .NET there records entries as made by "FAT/Windows", which unzip tools read as "no Unix mode"; so:
/// <list type="bullet">
/// <item>mode 0755 for the executable host.json launches (customHandler.description.defaultExecutablePath) and for every
/// other ELF executable (an ELF file that is not a shared library, e.g. the runtime's createdump); 0644 for the rest;</item>
/// <item>every central directory record says "made by Unix" (host byte 3 of "version made by", APPNOTE.TXT 4.4.2), so
/// extractors honour the modes.</item>
/// </list>
/// </summary>
public static class FunctionAppZip
{
    public const int Executable = 0b111_101_101; // 0755
    public const int Regular = 0b110_100_100; // 0644
    private const int RegularFileType = 0x8000; // S_IFREG: the file type bits unzip and the platform's extractor expect beside the mode.
    private const byte MadeByUnix = 3;

    // Zip timestamps start in 1980; a fixed one keeps the checksum stable across builds.
    private static readonly DateTimeOffset Timestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Write(string sourceDirectory, string zipPath)
    {
        var source = Path.GetFullPath(sourceDirectory);
        var launched = LaunchedExecutable(source);
        File.Delete(zipPath);
        using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
        {
            var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(source, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal);
            foreach (var name in files)
            {
                var path = Path.Combine(source, name);
                var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize);
                entry.LastWriteTime = Timestamp;
                var mode = name == launched || IsElfExecutable(path) ? Executable : Regular;
                entry.ExternalAttributes = (RegularFileType | mode) << 16;
                using var input = File.OpenRead(path);
                using var output = entry.Open();
                input.CopyTo(output);
            }
        }

        MarkMadeByUnix(zipPath);
    }

    /// <summary>The path (relative, '/') of the executable host.json launches, or null when there is no host.json.</summary>
    public static string? LaunchedExecutable(string source)
    {
        var hostJson = Path.Combine(source, "host.json");
        if (!File.Exists(hostJson))
        {
            return null;
        }

        var path = JsonNode.Parse(File.ReadAllText(hostJson))?["customHandler"]?["description"]?["defaultExecutablePath"]?.GetValue<string>();
        return path?.Replace('\\', '/').TrimStart('.', '/');
    }

    /// <summary>An ELF file that is not a shared library: its e_type is ET_EXEC, or ET_DYN without ".so" in the name (a PIE
    /// executable such as the apphost).</summary>
    public static bool IsElfExecutable(string path)
    {
        Span<byte> header = stackalloc byte[18];
        using (var stream = File.OpenRead(path))
        {
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            {
                return false;
            }
        }

        if (header[0] != 0x7F || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
        {
            return false;
        }

        var type = header[5] == 2 ? BinaryPrimitives.ReadUInt16BigEndian(header[16..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[16..]);
        var name = Path.GetFileName(path);
        return type == 2 || (type == 3 && !name.Contains(".so", StringComparison.Ordinal));
    }

    /// <summary>Sets the host byte of "version made by" to Unix in every central directory record.</summary>
    public static void MarkMadeByUnix(string zipPath)
    {
        var bytes = File.ReadAllBytes(zipPath);
        var end = -1;
        for (var i = bytes.Length - 22; i >= Math.Max(0, bytes.Length - 22 - 0xFFFF); i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i)) == 0x06054b50)
            {
                end = i;
                break;
            }
        }

        if (end < 0)
        {
            throw new InvalidDataException($"{zipPath}: no end of central directory record");
        }

        var entries = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(end + 10));
        var offset = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end + 16));
        if (entries == 0xFFFF || offset == 0xFFFFFFFF)
        {
            throw new InvalidDataException($"{zipPath}: ZIP64 archives are not handled");
        }

        var at = (int)offset;
        for (var n = 0; n < entries; n++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) != 0x02014b50)
            {
                throw new InvalidDataException($"{zipPath}: central directory record {n} not found at {at}");
            }

            bytes[at + 5] = MadeByUnix;
            at += 46 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 28))
                + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 30))
                + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 32));
        }

        File.WriteAllBytes(zipPath, bytes);
    }
}
