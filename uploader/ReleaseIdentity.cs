using PecLists.Contracts;

namespace PecLists.Uploader;

/// <summary>
/// The version this process is, as the fleet knows it: the release's manifest version when the launcher started it
/// from <c>versions/&lt;version&gt;/</c> (an older build re-signed as a newer version to roll the fleet back reports the
/// version it was shipped as, docs/adr/0026 and 0027), else the assembly's version.
/// </summary>
public static class ReleaseIdentity
{
    /// <summary>Set by the launcher for the release it starts: the version of the manifest it was installed from.</summary>
    public const string Variable = "PEC_UPLOADER_RELEASE";

    public static string Version { get; } =
        Environment.GetEnvironmentVariable(Variable) is { } shipped && ReleaseVersion.TryParse(shipped, out _)
            ? shipped
            : typeof(ReleaseIdentity).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
