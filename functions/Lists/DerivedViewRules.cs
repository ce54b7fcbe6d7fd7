using System.Text.RegularExpressions;
using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// The static rules of a list's central views (<see cref="DerivedViewDto"/>): a plain name that is not the list's own,
/// and SQL that is one query. Whether PostgreSQL compiles it, and whether the name is free among the other lists and
/// their views, is learnt in the publish transaction (<see cref="DerivedViews"/>).
/// </summary>
public static partial class DerivedViewRules
{
    /// <summary>A view's name: a plain lowercase identifier PostgreSQL keeps whole (63 bytes).</summary>
    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    public static partial Regex ViewName();

    public static void Check(ListDefinition definition, List<ListRefusal> refusals)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var view in definition.Views ?? [])
        {
            if (view?.Name is not { } name || !ViewName().IsMatch(name))
            {
                refusals.Add(new(PublishCodes.ViewNameInvalid, $"view name '{view?.Name}' must match {ViewName()}"));
                continue;
            }

            if (!seen.Add(name))
            {
                refusals.Add(new(PublishCodes.ViewNameInvalid, $"view '{name}' appears twice"));
            }

            if (name == definition.Name)
            {
                refusals.Add(new(PublishCodes.ViewNameTaken, $"view '{name}' has the list's own name: lists.{name} is the list's table"));
            }

            if (string.IsNullOrWhiteSpace(view.Sql) || !SqlStatement.IsOne(view.Sql))
            {
                refusals.Add(new(PublishCodes.ViewNotOneStatement, $"view '{name}': its SQL must be one statement (no ';', balanced parentheses outside strings and comments)"));
            }
            else if (FirstWord(view.Sql) is not ("select" or "with"))
            {
                refusals.Add(new(PublishCodes.ViewNotSelect, $"view '{name}': its SQL must be a query starting with SELECT or WITH"));
            }
        }
    }

    /// <summary>The first word of <paramref name="sql"/>, lowercase, past blanks, comments and opening parentheses.</summary>
    public static string FirstWord(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i]) || sql[i] == '(')
            {
                i++;
            }
            else if (sql.AsSpan(i).StartsWith("--"))
            {
                var end = sql.IndexOfAny(['\n', '\r'], i);
                i = end < 0 ? sql.Length : end;
            }
            else if (sql.AsSpan(i).StartsWith("/*"))
            {
                i = SkipBlockComment(sql, i);
            }
            else
            {
                break;
            }
        }

        var start = i;
        while (i < sql.Length && char.IsAsciiLetter(sql[i]))
        {
            i++;
        }

        return sql[start..i].ToLowerInvariant();
    }

    /// <summary>Past a /* … */ comment at <paramref name="i"/>, nested ones included (PostgreSQL nests them); the end when unterminated.</summary>
    private static int SkipBlockComment(string sql, int i)
    {
        var level = 0;
        while (i < sql.Length)
        {
            if (sql.AsSpan(i).StartsWith("/*"))
            {
                level++;
                i += 2;
            }
            else if (sql.AsSpan(i).StartsWith("*/"))
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

        return i;
    }
}
