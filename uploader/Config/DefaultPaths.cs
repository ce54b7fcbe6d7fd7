namespace PecLists.Uploader.Config;

public static class DefaultPaths
{
    public static string ConfigFile => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "PecUploader", "config.json")
        : "/etc/pec-uploader/config.json";

    public static string LogDirectory => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "PecUploader", "logs")
        : "/var/log/pec-uploader";

    public static string SpoolDirectory => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "PecUploader", "spool")
        : "/var/spool/pec-uploader";
}
