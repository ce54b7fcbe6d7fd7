using System.Net;

namespace PecLists.Uploader.Transport;

/// <summary>
/// The backend's answer to an unchanged delivery: honoured (the list is recorded loaded, nothing else travels), or not,
/// with the problem's code and detail when it said why, and the list is then sent whole (docs/adr/0024-unchanged-deliveries.md).
/// </summary>
public sealed record UnchangedAnswer(bool Honoured, HttpStatusCode? Status, string? Code, string? Detail);
