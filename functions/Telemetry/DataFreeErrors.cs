using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;

namespace PecLists.Functions.Telemetry;

/// <summary>
/// What telemetry may say about a database error. PostgreSQL's own text quotes the value it refused, unescaped (a name,
/// a CPF: <c>invalid input syntax for type bigint: "…"</c>, WHERE <c>COPY stage, line 2, column id: "…"</c>), and
/// Npgsql puts it in the exception's message and ToString, which its tracing records as the span's exception event and
/// a logged exception carries to the exporter. So an error with a <see cref="PostgresException"/> in it is told only by
/// its SQLSTATE, the identifiers PostgreSQL reports in fields of their own (schema, table, column, constraint, type)
/// and the COPY's line and column; never MessageText, Detail, Where, Hint or InternalQuery.
/// </summary>
public static partial class DataFreeErrors
{
    private static readonly Lazy<ActivityListener> Listener = new(() =>
    {
        // Activity.AddException asks every listener of the source for the event's tags first and adds
        // exception.message / exception.stacktrace only when none was given (dotnet/runtime, Activity.AddException;
        // Npgsql calls it from NpgsqlActivitySource.SetException with the PostgresException itself).
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ExceptionRecorder = (Activity _, Exception exception, ref TagList tags) =>
            {
                if (Find(exception) is { } pg)
                {
                    tags.Add("exception.message", Describe(exception.GetType(), pg));
                    tags.Add("exception.stacktrace", exception.StackTrace ?? string.Empty);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    });

    /// <summary>Makes Npgsql's span exception events data-free, for the whole process (idempotent).</summary>
    public static void RedactDatabaseSpanExceptions() => _ = Listener.Value;

    /// <summary>The exception as it may be exported: itself when no PostgreSQL error is in it, else a data-free stand-in.</summary>
    public static Exception Redact(Exception exception) =>
        Find(exception) is { } pg ? new RedactedException(Describe(exception.GetType(), pg), exception.StackTrace) : exception;

    /// <summary>"NpgsqlException: PostgreSQL 22P02 (COPY line 2, column id)": the kind, SQLSTATE and identifiers, no value.</summary>
    public static string Describe(Type thrown, PostgresException pg)
    {
        var names = new List<string>();
        foreach (var (what, name) in new[] { ("schema", pg.SchemaName), ("table", pg.TableName), ("column", pg.ColumnName), ("constraint", pg.ConstraintName), ("type", pg.DataTypeName) })
        {
            if (name is not null && Identifier().IsMatch(name))
            {
                names.Add($"{what} {name}");
            }
        }

        if (pg.Where is { } where && CopyLocation().Match(where) is { Success: true } copy)
        {
            names.Add($"COPY line {copy.Groups["line"].Value}" + (copy.Groups["column"].Success ? $", column {copy.Groups["column"].Value}" : string.Empty));
        }

        return $"{thrown.Name}: PostgreSQL {pg.SqlState}" + (names.Count > 0 ? $" ({string.Join(", ", names)})" : string.Empty)
            + "; message, detail and context withheld (they may quote row values)";
    }

    private static PostgresException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg)
            {
                return pg;
            }
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_$.]{0,126}$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^COPY [^,]+, line (?<line>\d+)(, column (?<column>[A-Za-z0-9_]+))?")]
    private static partial Regex CopyLocation();
}
