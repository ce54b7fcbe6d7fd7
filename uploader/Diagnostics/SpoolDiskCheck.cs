using PecLists.Contracts;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Diagnostics;

/// <summary>
/// The spool folder is writable and its disk has at least spoolMinFreeBytes free: the floor below which run extracts
/// nothing and reports disk-full, so doctor fails where run would stop, not at a limit of its own.
/// </summary>
public static class SpoolDiskCheck
{
    private const string Name = "disk";

    public static void Check(List<DoctorCheck> checks, string spoolDirectory, long minFreeBytes)
    {
        // The same reading of free space as run's floor (DiskSpace), so doctor fails exactly where run would stop.
        if (DiskSpace.FreeBytes(spoolDirectory) is not { } free)
        {
            checks.Add(DoctorCheck.Fail(Name, FailureCategories.DiskFull, Localized.Text($"spool directory {spoolDirectory} not writable", $"sem permissão de escrita na pasta da fila local (spool) {spoolDirectory}"), Localized.Text("Run as the account the schedule uses, or fix the folder's permissions.", "Execute com a conta usada pelo agendamento ou corrija as permissões da pasta."), "disk"));
            return;
        }

        checks.Add(For(free, minFreeBytes, spoolDirectory));
    }

    /// <summary>The check for <paramref name="free"/> bytes free against the floor: it fails exactly when run would stop.</summary>
    public static DoctorCheck For(long free, long minFreeBytes, string spoolDirectory) => free < minFreeBytes
        ? DoctorCheck.Fail(Name, FailureCategories.DiskFull,
            Localized.Text(
                $"only {free / (1 << 20)} MB free for the spool at {spoolDirectory}, below spoolMinFreeBytes ({minFreeBytes / (1 << 20)} MB): runs extract nothing",
                $"apenas {free / (1 << 20)} MB livres para a fila local (spool) em {spoolDirectory}, abaixo de spoolMinFreeBytes ({minFreeBytes / (1 << 20)} MB): as execuções não extraem nada"),
            Localized.Text("Free disk space or move spoolDirectory to a larger disk.", "Libere espaço em disco ou mude spoolDirectory para um disco maior."),
            "disk")
        : DoctorCheck.Pass(Name, FailureCategories.DiskFull, Localized.Text($"{free / (1L << 30)} GB free for the spool", $"{free / (1L << 30)} GB livres para a fila local (spool)"));
}
