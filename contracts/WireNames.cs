namespace PecLists.Contracts;

/// <summary>HTTP header names and media types of wire contract v1 (docs/design.md §3).</summary>
public static class WireNames
{
    public const string ContentDigestHeader = "Content-Digest";
    public const string ExtractedAtHeader = "X-Extracted-At";
    public const string GzipEncoding = "gzip";
    public const string CsvMediaType = "text/csv";
    public const string ProblemMediaType = "application/problem+json";
}
