using System.Net;

namespace PecLists.Uploader.Transport;

/// <summary>The backend's answer to an upload; <see cref="Blocks"/> says what went where when it was sent in blocks.</summary>
public sealed record UploadResult(UploadOutcome Outcome, HttpStatusCode? Status, string? Code, string? Detail)
{
    public BlockUpload? Blocks { get; init; }
}
