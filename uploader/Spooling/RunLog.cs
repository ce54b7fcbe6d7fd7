using System.Text;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Spooling;

/// <summary>
/// The local log: every line also goes to a file that rotates at 5 MB (5 files kept), so an IT person can read what
/// happened last week without the backend. Lines carry ids, counts and codes only, never row content.
/// </summary>
public sealed class RunLog : TextWriter
{
    public const long MaxBytes = 5L * 1024 * 1024;
    public const int Keep = 5;
    private readonly TextWriter _console;
    private readonly StreamWriter? _file;

    public RunLog(TextWriter console, string directory)
    {
        _console = console;
        try
        {
            // Owner-only (0700, 0600 / a protected ACL): a log line names lists and sites, never rows, but stays private.
            OwnerOnly.RestrictTree(directory, name => name.StartsWith("uploader.log", StringComparison.Ordinal));
            var path = Path.Combine(directory, "uploader.log");
            Rotate(path);
            _file = new StreamWriter(new FileStream(path, OwnerOnly.NewFile(FileMode.Append, FileAccess.Write, FileShare.ReadWrite)), new UTF8Encoding(false)) { AutoFlush = true };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            console.WriteLine(Localized.Text($"(no log file: {directory} is not writable)", $"(sem arquivo de log: sem permissão de escrita em {directory})"));
        }
    }

    public static string FileIn(string directory) => Path.Combine(directory, "uploader.log");

    public override Encoding Encoding => Encoding.UTF8;

    public override void WriteLine(string? value)
    {
        _console.WriteLine(value);
        _file?.WriteLine(value);
    }

    public override void Write(char value)
    {
        _console.Write(value);
        _file?.Write(value);
    }

    private static void Rotate(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length < MaxBytes)
        {
            return;
        }

        for (var i = Keep - 1; i >= 1; i--)
        {
            var from = i == 1 ? path : $"{path}.{i - 1}";
            if (File.Exists(from))
            {
                File.Move(from, $"{path}.{i}", overwrite: true);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file?.Dispose();
        }

        base.Dispose(disposing);
    }
}
