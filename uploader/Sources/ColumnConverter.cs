using System.Globalization;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Sources;

/// <summary>
/// Turns one column's JSON value into the text PostgreSQL's COPY reads, as the Postgres source's COPY would have
/// written it: numbers in invariant culture (JSON's own text), booleans true/false, timestamps ISO 8601 with offset,
/// JSON null as NULL (null here). A value of the wrong kind fails here, at the edge, naming the kind and never the
/// value, instead of failing the whole snapshot's load centrally.
/// </summary>
public sealed class ColumnConverter
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFzzz";

    private readonly ColumnKind _kind;
    private readonly string? _format;

    public ColumnConverter(ListColumnDto column)
    {
        _kind = KindOf(column.Type);
        _format = column.Format;
    }

    /// <summary>The family of a PostgreSQL type name as a list's column spells it ("bigint", "numeric(10,2)", "JSONB").</summary>
    public static ColumnKind KindOf(string type)
    {
        var name = type.Split('(')[0].Trim().ToLowerInvariant();
        return name switch
        {
            "smallint" or "integer" or "int" or "bigint" or "int2" or "int4" or "int8" => ColumnKind.WholeNumber,
            "numeric" or "decimal" or "real" or "double precision" or "float4" or "float8" or "float" => ColumnKind.Number,
            "boolean" or "bool" => ColumnKind.Boolean,
            _ => ColumnKind.Text,
        };
    }

    /// <summary>The column's text for <paramref name="value"/>; null for NULL.</summary>
    public string? Convert(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (_format is FieldFormats.EpochMilliseconds or FieldFormats.EpochSeconds)
        {
            return Epoch(value, _format);
        }

        if (_format is not null)
        {
            throw new ValueConversionException(Localized.Text(
                $"the column's format '{_format}' is unknown to this uploader (known: {string.Join(", ", FieldFormats.All)})",
                $"o formato '{_format}' da coluna é desconhecido para este uploader (conhecidos: {string.Join(", ", FieldFormats.All)})"));
        }

        return _kind switch
        {
            ColumnKind.WholeNumber => Integer(value),
            ColumnKind.Number => Number(value),
            ColumnKind.Boolean => Boolean(value),
            _ => Text(value),
        };
    }

    private static string Integer(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var whole) => whole.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) =>
            whole.ToString(CultureInfo.InvariantCulture),
        _ => throw Wrong(value, "a whole number", "um número inteiro"),
    };

    private static string Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetRawText(), // JSON's number syntax is one PostgreSQL's numeric and float read
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _) => value.GetString()!,
        _ => throw Wrong(value, "a number", "um número"),
    };

    private static string Boolean(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.String when value.GetString() is "true" or "false" => value.GetString()!,
        _ => throw Wrong(value, "true or false", "true ou false"),
    };

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => NoNul(value.GetString()!),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw Wrong(value, "a single value (a field path can name one of its members: \"films.0\", \"posicao.latitude\")", "um valor único (o caminho do campo pode nomear um dos seus membros: \"films.0\", \"posicao.latitude\")"),
    };

    private static string Epoch(JsonElement value, string format)
    {
        decimal number;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var fromNumber))
        {
            number = fromNumber;
        }
        else if (value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fromText))
        {
            number = fromText;
        }
        else if (value.ValueKind == JsonValueKind.Number)
        {
            throw OutOfRange(format); // beyond decimal's range, so far beyond any date's
        }
        else
        {
            throw Wrong(value, $"a number ({format})", $"um número ({format})");
        }

        var ticksPerUnit = format == FieldFormats.EpochMilliseconds ? TimeSpan.TicksPerMillisecond : TimeSpan.TicksPerSecond;
        var ticks = number * ticksPerUnit;
        var min = (decimal)(DateTimeOffset.MinValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks);
        var max = (decimal)(DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks);
        if (ticks < min || ticks > max)
        {
            throw OutOfRange(format);
        }

        return DateTimeOffset.UnixEpoch.AddTicks((long)decimal.Round(ticks)).ToString(TimestampFormat, CultureInfo.InvariantCulture);
    }

    private static ValueConversionException OutOfRange(string format) => new(Localized.Text(
        $"a number too large or too small for a date ({format})",
        $"um número grande ou pequeno demais para uma data ({format})"));

    /// <summary>PostgreSQL's text cannot hold U+0000: COPY would fail the whole load centrally.</summary>
    private static string NoNul(string text) => text.Contains('\0', StringComparison.Ordinal)
        ? throw new ValueConversionException(Localized.Text(
            "a string holding the character U+0000, which PostgreSQL cannot store",
            "um texto com o caractere U+0000, que o PostgreSQL não armazena"))
        : text;

    private static ValueConversionException Wrong(JsonElement value, string needEnglish, string needPortuguese) => new(Localized.Text(
        $"{KindName(value.ValueKind, english: true)} where the column needs {needEnglish}",
        $"{KindName(value.ValueKind, english: false)} onde a coluna precisa de {needPortuguese}"));

    public static string KindName(JsonValueKind kind, bool english) => (kind, english) switch
    {
        (JsonValueKind.String, true) => "a string",
        (JsonValueKind.String, false) => "um texto",
        (JsonValueKind.Number, true) => "a number",
        (JsonValueKind.Number, false) => "um número",
        (JsonValueKind.True or JsonValueKind.False, true) => "a boolean",
        (JsonValueKind.True or JsonValueKind.False, false) => "um booleano",
        (JsonValueKind.Object, true) => "an object",
        (JsonValueKind.Object, false) => "um objeto",
        (JsonValueKind.Array, true) => "an array",
        (JsonValueKind.Array, false) => "uma lista (array)",
        (JsonValueKind.Null, true) => "null",
        (JsonValueKind.Null, false) => "null",
        (_, true) => "nothing",
        (_, false) => "nada",
    };
}
