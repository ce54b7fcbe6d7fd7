using System.Globalization;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Telemetry;
using Microsoft.Net.Http.Headers;

namespace PecLists.Functions.Releases;

/// <summary>
/// The two release endpoints sites call with their token (docs/adr/0026-uploader-releases-and-rollout.md): the signed
/// manifest this site should run (chosen by pin and rollout; an expired one is never served) and a release's binary,
/// streamed from Blob storage, resumable with a byte range (a slow municipal link that drops mid-download goes on from
/// where it stopped instead of starting over).
/// </summary>
public static class ReleaseEndpoints
{
    private const string OctetStream = "application/octet-stream";

    public static async Task<IResult> ManifestAsync(HttpContext context, string site, ReleaseCatalog catalog, TimeProvider time, ILogger logger)
    {
        var runtime = context.Request.Query["runtime"].ToString();
        if (!ReleaseRuntimes.IsKnown(runtime))
        {
            return Problems.Result(400, ProblemCodes.UnknownRuntime, "Unknown runtime", $"'runtime' must be one of {string.Join(", ", ReleaseRuntimes.All)}.");
        }

        var answer = await catalog.ForSiteAsync(site, runtime, time.GetUtcNow(), context.RequestAborted);
        context.Response.Headers.CacheControl = "no-store";
        if (answer.Release is not { } release)
        {
            if (answer.Expired)
            {
                logger.ReleaseManifestExpired(site, runtime, answer.Choice.Version ?? "none", answer.Choice.Why);
            }

            return Problems.Result(404, ProblemCodes.NoRelease, "No release for this site",
                answer.Expired ? "The release chosen for this site has an expired manifest; nothing is offered until the operator signs it again."
                : answer.Choice.Why == ReleaseChoice.Halted ? "The rollout is halted; stay on the version you run."
                : "No release is rolled out to this site; stay on the version you run.");
        }

        if (answer.Cleared)
        {
            context.Response.Headers[WireNames.ReleaseClearedHeader] = release.Version;
        }

        return TypedResults.Bytes(JsonSerializer.SerializeToUtf8Bytes(release.Manifest, ContractsJsonContext.Default.ReleaseManifestDto), "application/json");
    }

    public static async Task<IResult> BinaryAsync(HttpContext context, string version, string runtime, ReleaseCatalog catalog, ReleaseStore store)
    {
        var ct = context.RequestAborted;
        if (!ReleaseRuntimes.IsKnown(runtime))
        {
            return Problems.Result(400, ProblemCodes.UnknownRuntime, "Unknown runtime", $"The runtime must be one of {string.Join(", ", ReleaseRuntimes.All)}.");
        }

        var release = ReleaseVersion.TryParse(version, out _) ? await catalog.FindAsync(runtime, version, ct) : null;
        if (release is null)
        {
            return UnknownRelease();
        }

        var size = release.Manifest.Size;
        var etag = $"\"{release.Manifest.Sha256}\"";
        var (offset, length, partial) = (0L, size, false);

        // If-Range (RFC 9110 §13.1.5): a client resuming bytes of another file (the version published again with other
        // bytes since its manifest was read) gets the whole of this one, never a range of it spliced onto its own.
        var ifRange = context.Request.Headers.IfRange.ToString();
        if ((ifRange.Length == 0 || ifRange == etag)
            && RangeHeaderValue.TryParse(context.Request.Headers.Range.ToString(), out var range)
            && range.Unit.Equals("bytes", StringComparison.OrdinalIgnoreCase) && range.Ranges.Count == 1)
        {
            var item = range.Ranges.Single();
            var from = item.From ?? Math.Max(0, size - (item.To ?? 0));
            var to = item.From is null ? size - 1 : Math.Min(item.To ?? size - 1, size - 1);
            if (from >= size || to < from)
            {
                context.Response.Headers.ContentRange = $"bytes */{size.ToString(CultureInfo.InvariantCulture)}";
                return TypedResults.StatusCode(StatusCodes.Status416RangeNotSatisfiable);
            }

            (offset, length, partial) = (from, to - from + 1, true);
        }

        var content = await store.OpenAsync(release.BlobName, offset, length, ct);
        if (content is null)
        {
            return UnknownRelease();
        }

        await using (content)
        {
            var response = context.Response;
            response.StatusCode = partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
            response.ContentType = OctetStream;
            response.ContentLength = length;
            response.Headers.AcceptRanges = "bytes";
            response.Headers.ETag = etag;
            if (partial)
            {
                response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {offset}-{offset + length - 1}/{size}");
            }

            await content.CopyToAsync(response.Body, ct);
        }

        return TypedResults.Empty;
    }

    private static IResult UnknownRelease() =>
        Problems.Result(404, ProblemCodes.UnknownRelease, "Unknown release", "No published release with this version for this runtime.");
}
