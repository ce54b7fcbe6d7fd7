namespace PecLists.Uploader.Extraction;

/// <summary>Sizes of one extraction: data rows, CSV characters read from PostgreSQL and gzip bytes written.</summary>
public sealed record ExtractResult(long Rows, long CsvChars, long CompressedBytes, TimeSpan Elapsed);
