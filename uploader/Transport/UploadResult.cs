using System.Net;

namespace PecLists.Uploader.Transport;

public sealed record UploadResult(UploadOutcome Outcome, HttpStatusCode? Status, string? Code, string? Detail);
