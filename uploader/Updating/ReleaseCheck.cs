using PecLists.Contracts;

namespace PecLists.Uploader.Updating;

/// <summary>
/// Whether a manifest the backend served may be acted on, before anything is downloaded (The Update Framework's threats,
/// theupdateframework.io/docs/security): signed by a release key this site trusts (a store without the offline key cannot
/// make one), not expired (a store holding back newer releases cannot freeze a site silently), for this runtime, and not
/// older than a release this site already ran (an old signed release replayed). Returns the
/// <see cref="UpdateFailureCodes"/> reason, or null when it passes.
/// </summary>
public static class ReleaseCheck
{
    public static string? Refusal(ReleaseManifestDto manifest, IReadOnlyList<byte[]> trustedKeys, DateTimeOffset now, string runtime, string? highestRun)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(trustedKeys);
        if (!trustedKeys.Any(key => ReleaseSignature.Verify(manifest, key)))
        {
            return UpdateFailureCodes.BadSignature;
        }

        if (manifest.ExpiresAt <= now)
        {
            return UpdateFailureCodes.ManifestExpired;
        }

        if (manifest.Runtime != runtime)
        {
            return UpdateFailureCodes.WrongRuntime;
        }

        if (highestRun is not null && ReleaseVersions.Compare(manifest.Version, highestRun) < 0)
        {
            return UpdateFailureCodes.ReleaseRollback;
        }

        return null;
    }

    /// <summary>The keys in <paramref name="base64Keys"/> that are P-256 public keys (the others are skipped: config validation names them).</summary>
    public static IReadOnlyList<byte[]> ReadKeys(IEnumerable<string>? base64Keys)
    {
        var keys = new List<byte[]>();
        foreach (var text in base64Keys ?? [])
        {
            try
            {
                if (!string.IsNullOrWhiteSpace(text))
                {
                    keys.Add(ListDefinitionSignature.ReadPublicKey(text));
                }
            }
            catch (FormatException)
            {
                // Not a key: never trusted.
            }
        }

        return keys;
    }
}
