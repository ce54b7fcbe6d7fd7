using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PecLists.Functions.Releases;

/// <summary>
/// <c>releases publish</c>: registers an operator-signed uploader release. The backend checks and stores; it never signs
/// (it has no release private key). Refused, with nothing registered: a manifest whose signature no configured release
/// key verifies, an expired one, a binary whose size or SHA-256 is not the manifest's, a version not above every
/// published one for its runtime (docs/adr/0026-uploader-releases-and-rollout.md). The same build signed again later
/// (same version, size and digest, later signedAt) replaces the manifest: how an expiry is extended.
/// </summary>
public sealed partial class ReleasePublisher(NpgsqlDataSource database, ReleaseStore store, IOptions<ReleaseOptions> options, TimeProvider time)
{
    /// <param name="manifest">The signed manifest (<c>releases sign</c>).</param>
    /// <param name="binaryPath">The build it describes; may be null only for a re-signed manifest of a published release.</param>
    /// <param name="actor">Who publishes (the audit).</param>
    /// <param name="makeCurrent">Also make it the version every site gets, ending any canary and halt (a fleet rollback).</param>
    /// <param name="ct">Cancels the publish.</param>
    public async Task<ReleasePublishOutcome> PublishAsync(ReleaseManifestDto manifest, string? binaryPath, string actor, bool makeCurrent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (ShapeProblem(manifest) is { } shape)
        {
            return new(ReleasePublishVerdict.BadManifest, shape);
        }

        var keys = options.Value.PublicKeys;
        if (keys.Count == 0)
        {
            return new(ReleasePublishVerdict.NoKey,
                "no release public key is configured (Releases__SigningPublicKeys): set it to the key 'releases keygen' printed, then publish again.");
        }

        if (!keys.Any(k => ReleaseSignature.Verify(manifest, k)))
        {
            return new(ReleasePublishVerdict.BadSignature,
                $"the signature of {Name(manifest)} (key {manifest.KeyId ?? "none"}) does not verify with the configured release key(s) {string.Join(", ", keys.Select(k => ListDefinitionSignature.KeyId(k)))}: " +
                "the manifest changed after it was signed, or another key signed it. Sign the build again with 'releases sign'.");
        }

        var now = time.GetUtcNow();
        if (manifest.ExpiresAt <= now)
        {
            return new(ReleasePublishVerdict.Expired, $"{Name(manifest)} expired at {manifest.ExpiresAt:yyyy-MM-dd HH:mm}Z: sign it again ('releases sign') and publish the new manifest.");
        }

        if (binaryPath is not null && await BinaryProblemAsync(manifest, binaryPath, ct) is { } mismatch)
        {
            return new(ReleasePublishVerdict.BinaryMismatch, mismatch);
        }

        var version = ReleaseVersion.TryParse(manifest.Version, out var parsed) ? parsed : default;
        var json = JsonSerializer.SerializeToUtf8Bytes(manifest, ContractsJsonContext.Default.ReleaseManifestDto);
        var existing = await new ReleaseCatalog(database).FindAsync(manifest.Runtime, manifest.Version, ct);
        if (existing is not null)
        {
            return await ResignAsync(manifest, existing, json, actor, ct);
        }

        if (binaryPath is null)
        {
            return new(ReleasePublishVerdict.BinaryMismatch, $"{Name(manifest)} is not published yet: give its binary (--binary).");
        }

        if (await HighestAsync(manifest.Runtime, null, ct) is { } highest && highest >= version)
        {
            return NotHigher(manifest, highest);
        }

        var blobName = ReleaseStore.BlobName(manifest.Runtime, manifest.Version, manifest.Sha256);
        await using (var binary = File.OpenRead(binaryPath))
        {
            await store.UploadAsync(blobName, binary, json, ct);
        }

        // The rule is checked again under a lock that only publishers take: two publishes of one runtime at once cannot both pass.
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("LOCK TABLE ingest.releases IN SHARE ROW EXCLUSIVE MODE", transaction: transaction, cancellationToken: ct));
        if (await HighestAsync(manifest.Runtime, (connection, transaction), ct) is { } locked && locked >= version)
        {
            return NotHigher(manifest, locked);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingest.releases (runtime, version, version_order, size_bytes, sha256, key_id, signed_at, expires_at, manifest, blob_name, published_by)
            VALUES (@Runtime, @Version, @order, @Size, @Sha256, @KeyId, @SignedAt, @ExpiresAt, @json::jsonb, @blobName, @actor)
            """,
            new
            {
                manifest.Runtime, manifest.Version, order = new[] { version.Major, version.Minor, version.Patch }, manifest.Size, manifest.Sha256,
                manifest.KeyId, manifest.SignedAt, manifest.ExpiresAt, json = System.Text.Encoding.UTF8.GetString(json), blobName, actor,
            },
            transaction, cancellationToken: ct));
        if (makeCurrent)
        {
            await ReleaseRollouts.SetAsync(connection, transaction, manifest.Runtime, current: manifest.Version, canary: null, [], 0, halted: false, actor, ct);
        }

        await OperatorAudit.RecordAsync(connection, transaction, actor, makeCurrent ? OperatorAudit.ReleaseRollback : OperatorAudit.ReleasePublish,
            $"{manifest.Runtime}/{manifest.Version}", Detail(manifest), ct);
        await transaction.CommitAsync(ct);
        return new(ReleasePublishVerdict.Published, $"{Name(manifest)} published ({manifest.Size} bytes, sha256 {manifest.Sha256[..12]}…, expires {manifest.ExpiresAt:yyyy-MM-dd}).");
    }

    /// <summary>Null when the manifest is well formed; otherwise what is wrong.</summary>
    public static string? ShapeProblem(ReleaseManifestDto manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!ReleaseVersion.TryParse(manifest.Version, out _))
        {
            return $"version '{manifest.Version}' must be major.minor.patch (numbers, no leading zeros, no suffix).";
        }

        if (!ReleaseRuntimes.IsKnown(manifest.Runtime))
        {
            return $"runtime '{manifest.Runtime}' must be one of {string.Join(", ", ReleaseRuntimes.All)}.";
        }

        if (manifest.Size <= 0 || manifest.Sha256 is null || !Sha256Hex().IsMatch(manifest.Sha256))
        {
            return "size must be positive and sha256 64 lowercase hex digits.";
        }

        return manifest.ExpiresAt <= manifest.SignedAt ? "expiresAt must be after signedAt." : null;
    }

    private async Task<ReleasePublishOutcome> ResignAsync(ReleaseManifestDto manifest, PublishedRelease existing, byte[] json, string actor, CancellationToken ct)
    {
        if (existing.Manifest.Size != manifest.Size || existing.Manifest.Sha256 != manifest.Sha256)
        {
            return new(ReleasePublishVerdict.NotHigher,
                $"{Name(manifest)} is already published with another build (sha256 {existing.Manifest.Sha256[..12]}…): a changed build needs a higher version.");
        }

        if (manifest.SignedAt <= existing.Manifest.SignedAt)
        {
            return new(ReleasePublishVerdict.NotHigher,
                $"{Name(manifest)} is already published with a signing of {existing.Manifest.SignedAt:yyyy-MM-dd HH:mm:ss}Z; only a later signing of the same build replaces it.");
        }

        await store.ReplaceManifestAsync(existing.BlobName, json, ct);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingest.releases SET manifest = @json::jsonb, key_id = @KeyId, signed_at = @SignedAt, expires_at = @ExpiresAt
             WHERE runtime = @Runtime AND version = @Version AND signed_at < @SignedAt
            """,
            new { json = System.Text.Encoding.UTF8.GetString(json), manifest.KeyId, manifest.SignedAt, manifest.ExpiresAt, manifest.Runtime, manifest.Version },
            transaction, cancellationToken: ct));
        await OperatorAudit.RecordAsync(connection, transaction, actor, OperatorAudit.ReleaseResign, $"{manifest.Runtime}/{manifest.Version}", Detail(manifest), ct);
        await transaction.CommitAsync(ct);
        return new(ReleasePublishVerdict.Resigned, $"{Name(manifest)} re-signed: it now expires {manifest.ExpiresAt:yyyy-MM-dd HH:mm}Z.");
    }

    private async Task<ReleaseVersion?> HighestAsync(string runtime, (NpgsqlConnection Connection, NpgsqlTransaction Transaction)? within, CancellationToken ct)
    {
        const string Sql = "SELECT version FROM ingest.releases WHERE runtime = @runtime ORDER BY version_order DESC LIMIT 1";
        string? text;
        if (within is { } w)
        {
            text = await w.Connection.ExecuteScalarAsync<string?>(new CommandDefinition(Sql, new { runtime }, w.Transaction, cancellationToken: ct));
        }
        else
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            text = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(Sql, new { runtime }, cancellationToken: ct));
        }

        return ReleaseVersion.TryParse(text, out var highest) ? highest : null;
    }

    private static async Task<string?> BinaryProblemAsync(ReleaseManifestDto manifest, string binaryPath, CancellationToken ct)
    {
        if (!File.Exists(binaryPath))
        {
            return $"{binaryPath} does not exist.";
        }

        await using var binary = File.OpenRead(binaryPath);
        if (binary.Length != manifest.Size)
        {
            return $"{binaryPath} has {binary.Length} bytes but the manifest of {Name(manifest)} says {manifest.Size}: this is not the build that was signed.";
        }

        var digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(binary, ct));
        return digest == manifest.Sha256
            ? null
            : $"{binaryPath} has SHA-256 {digest[..12]}… but the manifest of {Name(manifest)} says {manifest.Sha256[..12]}…: this is not the build that was signed.";
    }

    private static ReleasePublishOutcome NotHigher(ReleaseManifestDto manifest, ReleaseVersion highest) =>
        new(ReleasePublishVerdict.NotHigher,
            $"{Name(manifest)} is not above {highest}, already published for {manifest.Runtime}: sites never install a lower version. " +
            "Build and sign a higher version (for a fleet rollback: the older build signed as a new higher version, 'releases rollback').");

    private static Dictionary<string, object?> Detail(ReleaseManifestDto manifest) => new()
    {
        ["size"] = manifest.Size,
        ["sha256"] = manifest.Sha256,
        ["keyId"] = manifest.KeyId,
        ["signedAt"] = manifest.SignedAt,
        ["expiresAt"] = manifest.ExpiresAt,
    };

    private static string Name(ReleaseManifestDto manifest) => $"uploader {manifest.Version} ({manifest.Runtime})";

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
