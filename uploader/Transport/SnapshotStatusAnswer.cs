using System.Net;
using PecLists.Contracts;

namespace PecLists.Uploader.Transport;

/// <summary>
/// What the backend answered about a snapshot sent: its HTTP status (null when it could not be reached) and, with
/// 200, the snapshot's status.
/// </summary>
public sealed record SnapshotStatusAnswer(HttpStatusCode? Status, SnapshotStatusDto? Snapshot);
