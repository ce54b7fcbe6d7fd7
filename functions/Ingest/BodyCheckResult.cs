namespace PecLists.Functions.Ingest;

/// <summary>The verdict on a body, the bytes it decompressed to (as far as the check read) and a data-free detail.</summary>
public sealed record BodyCheckResult(BodyVerdict Verdict, long DecompressedBytes, string? Detail = null);
