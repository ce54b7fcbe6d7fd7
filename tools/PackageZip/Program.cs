using PackageZip;

// Usage: PackageZip <source directory> <zip file>. Every file under the directory, with its path relative to it, and
// Unix modes that do not depend on the OS it runs on (FunctionAppZip).
if (args.Length != 2 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: PackageZip <source directory> <zip file>");
    return 2;
}

var zipPath = Path.GetFullPath(args[1]);
Directory.CreateDirectory(Path.GetDirectoryName(zipPath)!);
FunctionAppZip.Write(args[0], zipPath);
Console.WriteLine(zipPath);
return 0;
