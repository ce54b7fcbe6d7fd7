using System.IO.Compression;
using System.Text;

namespace PecLists.Uploader.Tests;

/// <summary>
/// A small RFC 4180 reader for tests, independent of the code under test: records of fields, an empty unquoted field as
/// null (PostgreSQL's NULL) and <c>""</c> as the empty string.
/// </summary>
public static class CsvRecords
{
    public static List<string?[]> Parse(string text)
    {
        var records = new List<string?[]>();
        var fields = new List<string?>();
        var field = new StringBuilder();
        var quoted = false;
        var inQuotes = false;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inQuotes = quoted = any = true;
                    break;
                case ',':
                    fields.Add(quoted || field.Length > 0 ? field.ToString() : null);
                    field.Clear();
                    quoted = false;
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(quoted || field.Length > 0 ? field.ToString() : null);
                    records.Add([.. fields]);
                    fields.Clear();
                    field.Clear();
                    quoted = any = false;
                    break;
                default:
                    field.Append(c);
                    any = true;
                    break;
            }
        }

        if (any)
        {
            fields.Add(quoted || field.Length > 0 ? field.ToString() : null);
            records.Add([.. fields]);
        }

        return records;
    }

    public static string Gunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var reader = new StreamReader(input, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
