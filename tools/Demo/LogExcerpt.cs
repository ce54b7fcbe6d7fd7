namespace Demo;

/// <summary>The lines of a log worth showing when the demo stops: warnings and errors, and lines naming what failed.</summary>
public static class LogExcerpt
{
    // The handler's console format ("warn: Category[id] …") and plain words other writers (host stand-in, uploader) use.
    private static readonly string[] ProblemMarkers = ["warn:", "fail:", "crit:", "error", "erro", "exception", "rejected", "rejeitad"];

    /// <summary>
    /// The lines that carry a warning or error marker or mention any of <paramref name="mentions"/> (snapshot ids, site
    /// codes), in log order, the last <paramref name="most"/> of them.
    /// </summary>
    public static IReadOnlyList<string> Select(IEnumerable<string> lines, IEnumerable<string> mentions, int most = 40)
    {
        var needles = mentions.Where(m => m.Length > 0).ToList();
        var selected = lines.Where(line =>
            ProblemMarkers.Any(m => line.Contains(m, StringComparison.OrdinalIgnoreCase))
            || needles.Any(n => line.Contains(n, StringComparison.OrdinalIgnoreCase))).ToList();
        return selected.Count <= most ? selected : selected[^most..];
    }
}
