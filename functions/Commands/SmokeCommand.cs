using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PecLists.Contracts;

namespace PecLists.Functions.Commands;

/// <summary>
/// `smoke`: the one check that the deployed host, storage, queue and database work together, through the public API
/// only. Health; the smoke site (added if missing, never renamed); a fresh site token; the published lists as that
/// site sees them (nothing is published); a one-row gzip CSV PUT exactly as the uploader sends it; waiting for
/// `loaded`; the status read back with its row counts; the token revoked. The smoke row stays in the list's table,
/// under the smoke site only: removing it would take an empty snapshot, which the deletion guard may hold for an
/// operator (functions/Loading/DeletionGuard.cs), and the next smoke run finds it unchanged.
/// </summary>
public sealed class SmokeCommand(Uri endpoint, string adminToken, string site, string? listName, TimeSpan timeout, TextWriter output)
{
    /// <summary>
    /// No municipality has it: IBGE codes start with the state's code, 11–53, so 99 is no state. Codes are validated
    /// only as 7 digits, so the backend accepts it.
    /// </summary>
    public const string DefaultSite = "9999999";

    public const string SiteName = "Smoke test (not a municipality)";

    // Exit codes, one per step that can fail, so a deploy workflow's log says where it broke.
    public const int Ok = 0;
    public const int HealthFailed = 2;
    public const int AdminFailed = 3;
    public const int ListsFailed = 4;
    public const int PutRefused = 5;
    public const int NotLoaded = 6;
    public const int CleanupFailed = 7;

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    private string? _lastError;

    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(60) };
        var clock = Stopwatch.StartNew();

        // 1. Health (anonymous).
        using (var health = await SendAsync(http, HttpMethod.Get, ApiRoutes.Health, null, null, ct))
        {
            if (health is not { IsSuccessStatusCode: true })
            {
                return Fail(HealthFailed, "health", Describe(health));
            }
        }

        Step("health", HealthStatuses.Ok);

        // 2. The smoke site: added when missing; an existing one is used as it is (never renamed).
        using (var sites = await SendAsync(http, HttpMethod.Get, ApiRoutes.AdminSites, adminToken, null, ct))
        {
            if (sites is not { IsSuccessStatusCode: true })
            {
                return Fail(AdminFailed, "site", $"GET {ApiRoutes.AdminSites}: {Describe(sites)} (is the operator token right?)");
            }

            var known = (await sites.Content.ReadFromJsonAsync<JsonArray>(Json, ct) ?? []).Any(s => s?["ibge"]?.GetValue<string>() == site);
            if (!known)
            {
                using var added = await SendAsync(http, HttpMethod.Post, ApiRoutes.AdminSites, adminToken, JsonContent.Create(new { ibge = site, name = SiteName }), ct);
                if (added is not { IsSuccessStatusCode: true })
                {
                    return Fail(AdminFailed, "site", $"POST {ApiRoutes.AdminSites}: {Describe(added)}");
                }
            }

            Step("site", known ? $"{site} exists" : $"{site} added ({SiteName})");
        }

        // 3. A token for it, revoked at the end whatever happens.
        Guid tokenId;
        string token;
        using (var issued = await SendAsync(http, HttpMethod.Post, ApiRoutes.AdminSiteTokens.Replace("{ibge}", site, StringComparison.Ordinal), adminToken, null, ct))
        {
            if (issued is not { IsSuccessStatusCode: true })
            {
                return Fail(AdminFailed, "token", Describe(issued));
            }

            var body = await issued.Content.ReadFromJsonAsync<JsonObject>(Json, ct);
            tokenId = body!["tokenId"]!.GetValue<Guid>();
            token = body["token"]!.GetValue<string>();
        }

        Step("token", $"issued {tokenId}");
        var result = await SnapshotAsync(http, token, ct);

        // 4. Cleanup: the token dies now.
        using (var revoked = await SendAsync(http, HttpMethod.Delete, ApiRoutes.AdminTokenPath(tokenId), adminToken, null, ct))
        {
            if (revoked is not { IsSuccessStatusCode: true })
            {
                Step("cleanup", $"FAIL could not revoke token {tokenId}: {Describe(revoked)}; revoke it by hand");
                return result == Ok ? CleanupFailed : result;
            }
        }

        Step("cleanup", $"token {tokenId} revoked; the smoke row stays under site {site}");
        if (result == Ok)
        {
            output.WriteLine($"smoke: ok in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        return result;
    }

    /// <summary>The lists as the site sees them, one row PUT, waited for until loaded, read back.</summary>
    private async Task<int> SnapshotAsync(HttpClient http, string token, CancellationToken ct)
    {
        ListCatalogDto? catalog;
        using (var lists = await SendAsync(http, HttpMethod.Get, ApiRoutes.Lists, token, null, ct))
        {
            if (lists is not { IsSuccessStatusCode: true })
            {
                return Fail(ListsFailed, "lists", Describe(lists));
            }

            catalog = await lists.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ListCatalogDto, ct);
        }

        // A keyed list by default: the smoke row is the same row every time (loaded as unchanged after the first).
        var list = catalog?.Lists.FirstOrDefault(l => listName is null ? l.Key.Count > 0 : l.Name == listName);
        if (list is null)
        {
            return Fail(ListsFailed, "lists", listName is null ? "no keyed list is published: publish one first (smoke publishes nothing)" : $"list '{listName}' is not published");
        }

        Step("lists", $"{catalog!.Lists.Count} published; using {list.Name} v{list.Version}");

        var extractedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var id = SnapshotIds.New(extractedAt);
        var gzip = Gzip(Csv(list, extractedAt));
        // The uploader's request (contracts' SnapshotUploadRequest): gzip CSV, digest, extraction time in the id.
        using (var request = SnapshotUploadRequest.Create(token, list.Name, id, extractedAt, new ByteArrayContent(gzip), ContentDigest.Format(SHA256.HashData(gzip))))
        {
            using var put = await SendAsync(http, request, ct);
            if (put is not { IsSuccessStatusCode: true })
            {
                return Fail(PutRefused, "put", $"snapshot {id}: {Describe(put)}{await BodyAsync(put, ct)}");
            }

            Step("put", $"snapshot {id} ({gzip.Length} bytes gzip, 1 row) accepted {(int)put.StatusCode}");
        }

        var deadline = DateTime.UtcNow + timeout;
        SnapshotStatusDto? status = null;
        while (DateTime.UtcNow < deadline)
        {
            using var read = await SendAsync(http, HttpMethod.Get, ApiRoutes.SnapshotStatusPath(id), token, null, ct);
            if (read is { IsSuccessStatusCode: true })
            {
                status = await read.Content.ReadFromJsonAsync(ContractsJsonContext.Default.SnapshotStatusDto, ct);
                if (status?.Status is not (SnapshotStatuses.Received or SnapshotStatuses.Queued or SnapshotStatuses.Loading))
                {
                    break;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        if (status?.Status != SnapshotStatuses.Loaded)
        {
            return Fail(NotLoaded, "load", status is null
                ? $"snapshot {id}: no status within {timeout.TotalSeconds:0} s (is the queue trigger running?)"
                : $"snapshot {id} is {status.Status} after {(DateTime.UtcNow < deadline ? "settling" : $"{timeout.TotalSeconds:0} s")} {status.ErrorCode} {status.Reason}".TrimEnd());
        }

        var rows = status.Rows;
        Step("load", $"snapshot {id} loaded in {(status.LoadFinishedAt - status.ReceivedAt)?.TotalSeconds:0.0} s");
        Step("status", rows is null ? "no row counts" : $"inserted {rows.Inserted}, updated {rows.Updated}, deleted {rows.Deleted}, unchanged {rows.Unchanged} ({rows.After} row after)");
        return rows is { After: 1 } ? Ok : Fail(NotLoaded, "status", "the smoke site should hold exactly the one smoke row");
    }

    /// <summary>One row with the list's columns in order (header first, as COPY … CSV HEADER writes), a plain value per type.</summary>
    internal static string Csv(ListDefinitionDto list, DateTimeOffset extractedAt)
    {
        var builder = new StringBuilder();
        builder.Append(string.Join(',', list.Columns.Select(c => c.Name))).Append('\n');
        builder.Append(string.Join(',', list.Columns.Select(c => Value(c.Type, extractedAt)))).Append('\n');
        return builder.ToString();
    }

    private static string Value(string type, DateTimeOffset extractedAt)
    {
        var t = type.ToLowerInvariant();
        var length = t.IndexOf('(', StringComparison.Ordinal) is var open and > 0 && int.TryParse(t[(open + 1)..^1], CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
        return t switch
        {
            "int2" or "int4" or "int8" or "smallint" or "integer" or "bigint" or "int" => "1",
            "numeric" or "real" or "double precision" or "float4" or "float8" => "0",
            "bool" or "boolean" => "f",
            "date" => extractedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "timestamptz" or "timestamp" or "timestamp with time zone" => SnapshotUploadRequest.FormatExtractedAt(extractedAt),
            _ => "smoke"[..Math.Min(5, length)],
        };
    }

    private static byte[] Gzip(string csv)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(csv));
        }

        return buffer.ToArray();
    }

    private async Task<HttpResponseMessage?> SendAsync(HttpClient http, HttpMethod method, string path, string? bearer, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, ApiRoutes.Relative(path)) { Content = content };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        // The host forwards a body only with a Content-Length (ADR 0006): buffer JSON bodies so they have one.
        if (content is not null)
        {
            await content.LoadIntoBufferAsync(ct);
        }

        return await SendAsync(http, request, ct);
    }

    /// <summary>The response, or null when the endpoint could not be reached at all (the reason kept for the report).</summary>
    private async Task<HttpResponseMessage?> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            _lastError = ex.Message;
            return null;
        }
    }

    private string Describe(HttpResponseMessage? response) =>
        response is null ? $"unreachable ({_lastError})" : $"{(int)response.StatusCode} {response.ReasonPhrase}";

    private static async Task<string> BodyAsync(HttpResponseMessage? response, CancellationToken ct) =>
        response is null ? string.Empty : $" {await response.Content.ReadAsStringAsync(ct)}".TrimEnd();

    private void Step(string step, string text) => output.WriteLine($"smoke: {step,-8} {text}");

    private int Fail(int code, string step, string text)
    {
        output.WriteLine($"smoke: {step,-8} FAIL {text}");
        output.WriteLine($"smoke: failed (exit {code})");
        return code;
    }
}
