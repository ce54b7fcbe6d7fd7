using Azure.Storage.Blobs;
using LocalInfra;
using Npgsql;

namespace Releases.Tests.SelfUpdate;

/// <summary>
/// What the self-update tests do as the operator (releases keygen, sign, publish, rollout, with the function app's own
/// commands), as a compromised store (a blob replaced), and what they read from the fleet (heartbeats, site updates).
/// </summary>
public static class ReleaseOperator
{
    /// <summary>The operator's release key, made offline (no database, no storage): the public key (base64) and the private key's file.</summary>
    public static async Task<(string PublicKey, string PrivateKeyFile)> KeygenAsync(string work)
    {
        var keys = Path.Combine(work, "release-key");
        var publicKey = (await ProcessRunner.RunCheckedAsync("dotnet", [RepoPaths.FunctionsDll, "releases", "keygen", "--out", keys])).StandardOutput.Trim().Split('\n')[^1].Trim();
        var privateKey = Directory.GetFiles(keys, "*.pem").Single(f => File.ReadAllText(f).Contains("PRIVATE KEY", StringComparison.Ordinal));
        return (publicKey, privateKey);
    }

    /// <summary>releases sign, publish and rollout to this one site, as the operator runs them.</summary>
    public static async Task PublishAsync(LocalPipeline pipeline, string runtime, string binary, string version, string privateKey, string work, string site)
    {
        var manifest = Path.Combine(work, $"manifest-{version}.json");
        await ProcessRunner.RunCheckedAsync("dotnet", [RepoPaths.FunctionsDll, "releases", "sign", "--binary", binary, "--version", version, "--runtime", runtime, "--private-key", privateKey, "--out", manifest]);
        await pipeline.FunctionsCommandAsync(["releases", "publish", "--manifest", manifest, "--binary", binary]);
        await pipeline.FunctionsCommandAsync(["releases", "rollout", "--runtime", runtime, "--version", version, "--sites", site]);
    }

    /// <summary>What a compromised store can do without the offline key: serve other bytes of the same length.</summary>
    public static async Task TamperAsync(LocalPipeline pipeline, string runtime, string version)
    {
        var container = new BlobServiceClient(pipeline.Storage.ConnectionString).GetBlobContainerClient("releases");
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{runtime}/{version}/", CancellationToken.None))
        {
            if (blob.Name.EndsWith(".json", StringComparison.Ordinal) || blob.Name.Contains("manifest", StringComparison.Ordinal))
            {
                continue;
            }

            var client = container.GetBlobClient(blob.Name);
            var bytes = (await client.DownloadContentAsync()).Value.Content.ToArray();
            bytes[bytes.Length / 2] ^= 0xFF;
            await client.UploadAsync(new BinaryData(bytes), overwrite: true);
            return;
        }

        throw new InvalidOperationException($"no release blob for {version}");
    }

    public static async Task<string?> LastHeartbeatVersionAsync(LocalPipeline pipeline, string site)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT report->>'uploaderVersion' FROM ingest.heartbeats WHERE site_id = @site ORDER BY received_at DESC LIMIT 1", connection);
        command.Parameters.AddWithValue("site", site);
        return (string?)await command.ExecuteScalarAsync();
    }

    /// <summary>The update the fleet view shows for <paramref name="site"/> (ingest.site_updates, from its heartbeats).</summary>
    public static async Task<(string? State, string? Version, string? From, string? Reason)> SiteUpdateAsync(LocalPipeline pipeline, string site)
    {
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT state, version, from_version, reason FROM ingest.site_updates WHERE site_id = @site", connection);
        command.Parameters.AddWithValue("site", site);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3))
            : default;
    }
}
