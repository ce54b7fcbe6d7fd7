using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Scheduling;

namespace PecLists.Uploader.Commands;

/// <summary>Removes the daily run from every scheduler that may hold it and, on request, the config and the spool.</summary>
public sealed class UninstallCommand(IReadOnlyList<IScheduler> schedulers, TextWriter output)
{
    public int Execute(string configPath, bool purge)
    {
        try
        {
            foreach (var scheduler in schedulers)
            {
                scheduler.Unregister();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            // The daily run may still be registered: the config and spool it needs stay, even with --purge.
            output.WriteLine(Localized.Text(
                $"FAIL  could not remove the daily run: {ex.Message}. Nothing else was removed; fix the cause and run uninstall again (as administrator on Windows).",
                $"FALHA não foi possível remover a execução diária: {ex.Message}. Nada mais foi removido; corrija a causa e execute o uninstall de novo (como administrador no Windows)."));
            return ExitCodes.Config;
        }

        output.WriteLine(Localized.Text("Daily run removed.", "Execução diária removida."));
        if (!purge)
        {
            return ExitCodes.Ok;
        }

        var spool = ConfigFile.SpoolDirectoryOf(configPath);
        File.Delete(configPath);
        if (spool is not null && Directory.Exists(spool))
        {
            Directory.Delete(spool, recursive: true);
        }

        output.WriteLine(Localized.Text("Config and spool deleted.", "Configuração e fila local (spool) apagadas."));
        return ExitCodes.Ok;
    }
}
