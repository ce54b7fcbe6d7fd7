namespace PecLists.Uploader.Localization;

/// <summary>The languages the uploader speaks to people. Codes, exit codes and heartbeat fields stay English.</summary>
public enum Language
{
    English,
    Portuguese,
}
