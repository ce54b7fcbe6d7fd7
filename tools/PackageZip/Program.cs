using System.IO.Compression;

// Usage: PackageZip <source directory> <zip file>. Every file under the directory, with its path relative to it.
if (args.Length != 2 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: PackageZip <source directory> <zip file>");
    return 2;
}

var source = Path.GetFullPath(args[0]);
var zipPath = Path.GetFullPath(args[1]);
Directory.CreateDirectory(Path.GetDirectoryName(zipPath)!);
File.Delete(zipPath);

// Zip timestamps start in 1980; a fixed one keeps the checksum stable across builds.
var timestamp = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
const int RegularFile = 0x8000; // S_IFREG: the file type bits unzip and the platform's extractor expect beside the mode.

using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
{
    var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(source, f).Replace('\\', '/'))
        .Order(StringComparer.Ordinal);
    foreach (var name in files)
    {
        var path = Path.Combine(source, name);
        var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize);
        entry.LastWriteTime = timestamp;

        // Unix mode in the high 16 bits of the external attributes (made-by Unix, which .NET sets on Linux).
        var mode = OperatingSystem.IsWindows() ? 0b110_100_100 : (int)File.GetUnixFileMode(path);
        entry.ExternalAttributes = (RegularFile | mode) << 16;
        using var input = File.OpenRead(path);
        using var output = entry.Open();
        input.CopyTo(output);
    }
}

Console.WriteLine(zipPath);
return 0;
