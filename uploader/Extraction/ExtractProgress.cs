namespace PecLists.Uploader.Extraction;

/// <summary>How far an extraction is, reported after every buffer: rows so far, CSV characters and gzip bytes.</summary>
public readonly record struct ExtractProgress(long Rows, long CsvChars, long CompressedBytes);
