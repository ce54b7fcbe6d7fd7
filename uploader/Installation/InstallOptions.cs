namespace PecLists.Uploader.Installation;

public sealed record InstallOptions(
    string Endpoint,
    string Token,
    string ConfigPath,
    string? DatabaseConnection = null,
    string? SpoolDirectory = null,
    TimeOnly? WindowStart = null,
    double WindowHours = 5,
    string? ExecutablePath = null,
    string? RunAsUser = null)
{
    public string? LogDirectory { get; init; }

    /// <summary>--proxy: "direct" or an http:// proxy address for the scheduled runs (null: the one this session uses).</summary>
    public string? Proxy { get; init; }

    /// <summary>--list-signing-key: the operator's public key, base64 or a PEM file's path (null: keep the one the config has).</summary>
    public string? ListSigningKey { get; init; }

    /// <summary>--release-signing-key (repeatable): the operator's release public keys (null or empty: keep the config's).</summary>
    public IReadOnlyList<string>? ReleaseSigningKeys { get; init; }
}
