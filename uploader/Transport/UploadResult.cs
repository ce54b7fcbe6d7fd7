using System.Net;

namespace Ingest.Uploader.Transport;

public sealed record UploadResult(UploadOutcome Outcome, HttpStatusCode? Status, string? Code, string? Detail);
