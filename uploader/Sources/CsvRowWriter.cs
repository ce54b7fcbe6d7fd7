namespace PecLists.Uploader.Sources;

/// <summary>
/// Writes rows in the CSV dialect PostgreSQL's <c>COPY … (FORMAT csv)</c> writes and the backend's loader reads: comma,
/// double quotes doubled inside quoted values, "\n" between rows, NULL as nothing unquoted and the empty string as
/// <c>""</c>. A value is quoted when it holds a comma, a quote, a CR or LF, is empty, or is <c>\.</c> (COPY's
/// end-of-data marker). Counts the characters it wrote (<see cref="Chars"/>).
/// </summary>
public sealed class CsvRowWriter(TextWriter writer)
{
    public long Chars { get; private set; }

    public void WriteRow(IReadOnlyList<string?> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                Write(",");
            }

            if (values[i] is { } value)
            {
                WriteValue(value);
            }
        }

        Write("\n");
    }

    private void WriteValue(string value)
    {
        if (!NeedsQuotes(value))
        {
            Write(value);
            return;
        }

        Write("\"");
        var start = 0;
        int quote;
        while ((quote = value.IndexOf('"', start)) >= 0)
        {
            Write(value.AsSpan(start, quote - start + 1));
            Write("\"");
            start = quote + 1;
        }

        Write(value.AsSpan(start));
        Write("\"");
    }

    private static bool NeedsQuotes(string value) =>
        value.Length == 0 || value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value == "\\.";

    private void Write(ReadOnlySpan<char> text)
    {
        writer.Write(text);
        Chars += text.Length;
    }
}
