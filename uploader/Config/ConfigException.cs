namespace PecLists.Uploader.Config;

public sealed class ConfigException(string message) : Exception(message);
