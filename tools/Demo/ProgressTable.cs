namespace Demo;

/// <summary>
/// The demo's live view: one row per site, one column per list, each cell the state of that site's snapshot of that
/// list. At a terminal the whole table is redrawn in place on every change; otherwise (CI, a pipe, a file) each change
/// of a cell is one plain line, with no terminal control codes.
/// </summary>
public sealed class ProgressTable
{
    private const int CellWidth = 15;
    private const int LabelWidth = 32;
    private readonly TextWriter _output;
    private readonly bool _redraw;
    private readonly string _title;
    private readonly IReadOnlyList<(string Key, string Label)> _rows;
    private readonly IReadOnlyList<string> _columns;
    private readonly Func<TimeSpan> _elapsed;
    private readonly Dictionary<(string Row, string Column), string> _cells = [];
    private readonly Lock _lock = new();
    private int _linesDrawn;

    /// <param name="output">Where the table goes (the console in the demo).</param>
    /// <param name="redraw">True at a terminal: redraw in place (ANSI); false: one plain line per change.</param>
    /// <param name="title">What the table shows, e.g. "round 1"; the first word of each plain line.</param>
    /// <param name="rows">The sites: key (IBGE code) and label (code and name).</param>
    /// <param name="columns">The lists.</param>
    /// <param name="elapsed">The time since the demo started, shown on each plain line.</param>
    /// <param name="initial">Every cell's state at first (not a change, so no line of its own).</param>
    public ProgressTable(
        TextWriter output, bool redraw, string title, IReadOnlyList<(string Key, string Label)> rows, IReadOnlyList<string> columns, Func<TimeSpan> elapsed, string initial = "·")
    {
        _output = output;
        _redraw = redraw;
        _title = title;
        _rows = rows;
        _columns = columns;
        _elapsed = elapsed;
        foreach (var (key, _) in rows)
        {
            foreach (var column in columns)
            {
                _cells[(key, column)] = initial;
            }
        }
    }

    /// <summary>The state of a cell now, or null for a row or column the table does not have.</summary>
    public string? this[string row, string column]
    {
        get
        {
            lock (_lock)
            {
                return _cells.GetValueOrDefault((row, column));
            }
        }
    }

    /// <summary>Sets a cell; shows it only when its state changed.</summary>
    public void Set(string row, string column, string state)
    {
        lock (_lock)
        {
            if (_cells.TryGetValue((row, column), out var previous) && previous == state)
            {
                return;
            }

            _cells[(row, column)] = state;
            if (_redraw)
            {
                Draw();
            }
            else
            {
                var label = _rows.FirstOrDefault(r => r.Key == row).Label ?? row;
                _output.WriteLine($"[{_elapsed():mm\\:ss}] {_title} {label} {column}: {state}");
            }
        }
    }

    /// <summary>Sets every cell of a row whose state is still <paramref name="onlyIf"/>.</summary>
    public void SetWhere(string row, string onlyIf, string state)
    {
        lock (_lock)
        {
            foreach (var column in _columns.Where(c => this[row, c] == onlyIf))
            {
                Set(row, column, state);
            }
        }
    }

    /// <summary>At a terminal, draws the table (so it is on screen before the first change); nothing otherwise.</summary>
    public void Show()
    {
        lock (_lock)
        {
            if (_redraw)
            {
                Draw();
            }
        }
    }

    private void Draw()
    {
        var lines = new List<string> { $"  {_title,-LabelWidth} " + string.Concat(_columns.Select(c => Fit(c).PadRight(CellWidth + 1))) };
        foreach (var (key, label) in _rows)
        {
            lines.Add($"  {Fit(label, LabelWidth),-LabelWidth} " + string.Concat(_columns.Select(c => Fit(_cells.GetValueOrDefault((key, c)) ?? string.Empty).PadRight(CellWidth + 1))));
        }

        if (_linesDrawn > 0)
        {
            _output.Write($"\u001b[{_linesDrawn}F"); // back to the start of the table's first line
        }

        foreach (var line in lines)
        {
            _output.Write("\u001b[2K"); // clear the line, then write it again
            _output.WriteLine(line.TrimEnd());
        }

        _output.Flush();
        _linesDrawn = lines.Count;
    }

    private static string Fit(string text, int width = CellWidth) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
