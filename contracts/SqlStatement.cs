namespace PecLists.Contracts;

/// <summary>
/// The rule that a list's SQL is one statement, which the backend checks at publish and the uploader before it runs
/// one: the uploader wraps the SQL as <c>COPY (\n…\n) TO STDOUT</c> on PostgreSQL's simple-query protocol, where a
/// <c>;</c> or a <c>)</c> that closes the wrapper would let the rest run as statements of their own, outside the
/// read-only transaction. The SQL is scanned as PostgreSQL's lexer scans it (standard_conforming_strings on, which the
/// uploader sets for its sessions): comments (<c>--</c>, nested <c>/* */</c>), '…' strings, E'…' strings with
/// backslash escapes, "…" identifiers, dollar quotes (<c>$tag$…$tag$</c>), identifiers that contain <c>$</c>. Outside
/// them there must be no <c>;</c>, parentheses must balance and never close one not opened, and nothing may be left
/// unterminated. A few odd but harmless queries are refused; none that PostgreSQL would split is let through.
/// </summary>
public static class SqlStatement
{
    public static bool IsOne(string sql)
    {
        var depth = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            if (c == '-' && next == '-')
            {
                i = sql.IndexOfAny(['\n', '\r'], i);
                if (i < 0)
                {
                    return depth == 0; // a trailing line comment: the wrapper starts on a new line
                }
            }
            else if (c == '/' && next == '*')
            {
                i = SkipBlockComment(sql, i);
            }
            else if (c == '\'')
            {
                i = SkipQuoted(sql, i, '\'', backslashEscapes: false);
            }
            else if (c == '"')
            {
                i = SkipQuoted(sql, i, '"', backslashEscapes: false);
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var end = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = end < 0 ? -1 : end + tag.Length;
            }
            else if (IsIdentifierStart(c))
            {
                var start = i;
                while (i < sql.Length && IsIdentifierPart(sql[i]))
                {
                    i++;
                }

                if (i - start == 1 && c is 'E' or 'e' && i < sql.Length && sql[i] == '\'')
                {
                    i = SkipQuoted(sql, i, '\'', backslashEscapes: true);
                }
            }
            else if (char.IsAsciiDigit(c))
            {
                i = SkipNumber(sql, i);
            }
            else
            {
                if (c == ';' || (c == ')' && --depth < 0))
                {
                    return false;
                }

                depth += c == '(' ? 1 : 0;
                i++;
            }

            if (i < 0)
            {
                return false; // unterminated: it would swallow the wrapper's end
            }
        }

        return depth == 0;
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= '\u0080';

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c) || c == '$';

    private static bool IsTagPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c);

    /// <summary>Digits, a fraction, an exponent: as PostgreSQL reads a number, which never takes a following '$'.</summary>
    private static int SkipNumber(string sql, int i)
    {
        while (i < sql.Length && (char.IsAsciiDigit(sql[i]) || sql[i] == '.'))
        {
            i++;
        }

        if (i < sql.Length && sql[i] is 'e' or 'E')
        {
            var exponent = i + 1 < sql.Length && sql[i + 1] is '+' or '-' ? i + 2 : i + 1;
            if (exponent < sql.Length && char.IsAsciiDigit(sql[exponent]))
            {
                i = exponent;
                while (i < sql.Length && char.IsAsciiDigit(sql[i]))
                {
                    i++;
                }
            }
        }

        return i;
    }

    /// <summary>"$$" or "$tag$" at <paramref name="i"/> (a tag starts with a letter or '_'), or null: "$1" is a parameter.</summary>
    private static string? DollarTag(string sql, int i)
    {
        var j = i + 1;
        if (j < sql.Length && IsIdentifierStart(sql[j]))
        {
            while (j < sql.Length && IsTagPart(sql[j]))
            {
                j++;
            }
        }

        return j < sql.Length && sql[j] == '$' ? sql[i..(j + 1)] : null;
    }

    /// <summary>Past a '…' or "…" starting at <paramref name="i"/> (doubled quotes inside; backslash escapes in E'…'), or -1.</summary>
    private static int SkipQuoted(string sql, int i, char quote, bool backslashEscapes)
    {
        i++;
        while (i < sql.Length)
        {
            if (backslashEscapes && sql[i] == '\\')
            {
                i += 2;
            }
            else if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    i += 2;
                }
                else
                {
                    return i + 1;
                }
            }
            else
            {
                i++;
            }
        }

        return -1;
    }

    /// <summary>Past a /* … */ comment starting at <paramref name="i"/>, nested ones included, or -1.</summary>
    private static int SkipBlockComment(string sql, int i)
    {
        var level = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                level++;
                i += 2;
            }
            else if (sql[i] == '*' && i + 1 < sql.Length && sql[i + 1] == '/')
            {
                i += 2;
                if (--level == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return -1;
    }
}
