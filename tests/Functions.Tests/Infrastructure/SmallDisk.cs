using System.Diagnostics;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>
/// A real, tiny file system (tmpfs) to fill up: the only way to see the OS's own "no space left on device" without
/// filling the machine's disk. Mounting needs root or passwordless sudo (CI's runners have it); elsewhere
/// <see cref="TryMountAsync"/> says why it could not.
/// </summary>
public sealed class SmallDisk : IAsyncDisposable
{
    private readonly bool _sudo;

    private SmallDisk(string path, bool sudo)
    {
        Path = path;
        _sudo = sudo;
    }

    public string Path { get; }

    public static async Task<(SmallDisk? Disk, string Why)> TryMountAsync(int sizeKiB)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (null, "tmpfs needs Linux");
        }

        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "smalldisk-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        string[] mount = ["mount", "-t", "tmpfs", "-o", $"size={sizeKiB}k,mode=1777", "tmpfs", path];
        var (code, error) = await RunAsync(mount);
        if (code == 0)
        {
            return (new SmallDisk(path, sudo: false), string.Empty);
        }

        var (sudoCode, sudoError) = await RunAsync(["sudo", "-n", .. mount]);
        if (sudoCode == 0)
        {
            return (new SmallDisk(path, sudo: true), string.Empty);
        }

        Directory.Delete(path);
        return (null, $"cannot mount a tmpfs: {error.Trim()} / sudo: {sudoError.Trim()}");
    }

    /// <summary>Writes a file until the OS says the disk is full; returns its path.</summary>
    public async Task<string> FillAsync()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        await using var file = new FileStream(filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                await file.WriteAsync(block);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }

        return filler;
    }

    public async ValueTask DisposeAsync()
    {
        string[] umount = ["umount", Path];
        await RunAsync(_sudo ? ["sudo", "-n", .. umount] : umount);
        Directory.Delete(Path, recursive: true);
    }

    private static async Task<(int Code, string Error)> RunAsync(string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
