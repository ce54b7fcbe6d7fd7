namespace Demo;

/// <summary>The lines of a log worth showing when the demo stops: warnings and errors, and lines naming what failed.</summary>
public static class LogExcerpt
{
    // The handler's console format ("warn: Category[id] …") and plain words other writers (host stand-in, uploader) use.
    private static readonly string[] ProblemMarkers = ["warn:", "fail:", "crit:", "error", "erro", "exception", "rejected", "rejeitad"];

    /// <summary>
    /// The lines that carry a warning or error marker or mention any of <paramref name="mentions"/> (snapshot ids, site
    /// codes), in log order, at most <paramref name="most"/>: the last warnings and errors first, then the last lines
    /// that only mention what failed, so a long log of ordinary lines never hides the errors.
    /// </summary>
    public static IReadOnlyList<string> Select(IEnumerable<string> lines, IEnumerable<string> mentions, int most = 40)
    {
        var needles = mentions.Where(m => m.Length > 0).ToList();
        var indexed = lines.Select((line, index) => (Line: line, Index: index)).ToList();
        var problems = indexed.Where(l => ProblemMarkers.Any(m => l.Line.Contains(m, StringComparison.OrdinalIgnoreCase))).TakeLast(most).ToList();
        var mentioning = indexed
            .Where(l => !problems.Contains(l) && needles.Any(n => l.Line.Contains(n, StringComparison.OrdinalIgnoreCase)))
            .TakeLast(most - problems.Count);
        return [.. problems.Concat(mentioning).OrderBy(l => l.Index).Select(l => l.Line)];
    }
}
