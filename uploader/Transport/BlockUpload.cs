namespace PecLists.Uploader.Transport;

/// <summary>
/// A snapshot staged in blocks by one run: its <paramref name="Bytes"/>, the <paramref name="ResumedBytes"/> an earlier
/// run had already staged (not sent again), and the <paramref name="SentBytes"/> this run sent (a block resent after
/// a failed attempt counts once per attempt).
/// </summary>
public sealed record BlockUpload(long Bytes, long ResumedBytes, long SentBytes);
