using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PecLists.Functions.Releases;

/// <summary>
/// Which percent of the fleet a site falls in for a canary share: the first four bytes of SHA-256 over a fixed prefix and
/// the site id, modulo 100. Deterministic (the same site, the same bucket, on every instance and every run), spread
/// evenly over IBGE codes (which are not: they cluster by state), and nested: the sites in a 10 % canary are all in a
/// 20 % one, so widening a canary never moves a site back out of it. It does not depend on the version, so the same
/// sites go first for every release: the operator knows whom to watch.
/// </summary>
public static class CanaryBucket
{
    private const string Prefix = "pec-uploader/canary/v1\n";

    /// <summary>0 to 99.</summary>
    public static int Of(string site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(Prefix + site));
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(digest) % 100);
    }

    /// <summary>True when the site is in a canary of <paramref name="percent"/> percent of the fleet.</summary>
    public static bool IsIn(string site, int percent) => percent > 0 && Of(site) < percent;
}
