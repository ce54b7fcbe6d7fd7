namespace PecLists.Functions.Ingest;

/// <summary>
/// The verdict on a body, the bytes it decompressed to (as far as the check read) and a data-free detail; when the
/// verdict is Ok, which of the accepted headers the body's header row is (its index).
/// </summary>
public sealed record BodyCheckResult(BodyVerdict Verdict, long DecompressedBytes, string? Detail = null, int MatchedHeader = -1);
