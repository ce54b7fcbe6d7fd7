using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// The rules of a column's mask (<see cref="ColumnMaskDto"/>, applied by the uploader before anything is spooled): the
/// column's central type must hold what the mask makes, a key column may only be hashed, since any other mask makes
/// different rows share a key (two CPFs ending alike, two births in one month, every redacted value NULL), and an
/// incremental list's cursor column takes no mask at all (the edge compares its clear values).
/// </summary>
public static class ColumnMaskRules
{
    /// <summary>The canonical types (<see cref="ColumnTypes"/>) that hold a string of any length.</summary>
    private static readonly HashSet<string> Text = new(StringComparer.Ordinal) { "text" };

    /// <summary>The canonical types that truncate can cut (<see cref="MaskKinds.TruncateUnits"/>).</summary>
    private static readonly HashSet<string> Dates = new(StringComparer.Ordinal) { "date", "timestamp", "timestamptz" };

    public static void Check(ListDefinition definition, List<ListRefusal> refusals)
    {
        foreach (var column in definition.Columns.Where(c => c?.Mask is not null))
        {
            var mask = column.Mask!;
            if (!MaskKinds.All.Contains(mask.Kind))
            {
                refusals.Add(new(PublishCodes.MaskKindUnknown, $"column '{column.Name}' mask.kind '{mask.Kind}' is not one of {string.Join(", ", MaskKinds.All)}"));
                continue;
            }

            if (TypeProblem(mask, ColumnTypes.Normalize(column.Type)) is { } problem)
            {
                refusals.Add(new(PublishCodes.MaskTypeMismatch, $"column '{column.Name}' ({column.Type}) masked with {mask.Kind}: {problem}"));
            }

            if (definition.Incremental?.CursorColumn is { } cursor && cursor == column.Name)
            {
                // The uploader reads rows later than the acknowledged cursor and sends the delivery's highest cursor value,
                // both as the column's clear values: a masked cursor would be a hash to compare, or a truncated one that
                // stops the cursor moving within its hour. Any mask, so no kind is allowed by oversight.
                refusals.Add(new(
                    PublishCodes.MaskOnCursor,
                    $"cursor column '{column.Name}' is masked with {mask.Kind}; the uploader compares the cursor's clear values to read what changed, so the cursor column cannot be masked"));
            }

            if (mask.Kind != MaskKinds.Hash && definition.Key.Contains(column.Name))
            {
                refusals.Add(new(
                    PublishCodes.MaskOnKey,
                    $"key column '{column.Name}' is masked with {mask.Kind}, which makes different rows share a key; a key column may only be masked with {MaskKinds.Hash} (the same value always hashes the same)"));
            }
        }
    }

    /// <summary>Why a column of <paramref name="type"/> (canonical, null when unknown) cannot take <paramref name="mask"/>, or null.</summary>
    private static string? TypeProblem(ColumnMaskDto mask, string? type)
    {
        if (type is null)
        {
            return null; // the type itself is refused (column-type-unknown)
        }

        switch (mask.Kind)
        {
            case MaskKinds.Hash:
                return !Text.Contains(type) ? "a hash is text (a keyed HMAC in hex), so the column must be text"
                    : mask.Unit is not null || mask.Digits is not null ? "a hash takes neither unit nor digits"
                    : null;
            case MaskKinds.LastDigits:
                // The masked value keeps the clear value's length, so a varchar(n) or char(n) that held it holds it masked.
                return !(Text.Contains(type) || type.StartsWith("varchar(", StringComparison.Ordinal) || type.StartsWith("char(", StringComparison.Ordinal))
                    ? "the masked value is text ('*' for the hidden characters), so the column must be text, varchar(n) or char(n)"
                    : mask.Digits is not >= 1 ? "digits (how many last characters stay) must be 1 or more"
                    : mask.Unit is not null ? "last-digits takes no unit"
                    : null;
            case MaskKinds.Truncate:
                return !Dates.Contains(type) ? "only a date, timestamp or timestamptz can be truncated"
                    : mask.Unit is null || !MaskKinds.TruncateUnits.Contains(mask.Unit) ? $"unit must be one of {string.Join(", ", MaskKinds.TruncateUnits)}"
                    : type == "date" && mask.Unit == "hour" ? "a date has no hour to cut to"
                    : mask.Digits is not null ? "truncate takes no digits"
                    : null;
            default:
                // Redact: NULL fits any type.
                return mask.Unit is not null || mask.Digits is not null ? "redact takes neither unit nor digits" : null;
        }
    }
}
