using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Npgsql;

using PecLists.Contracts;

namespace PecLists.Functions.Loading;

/// <summary>
/// Sorts failures into permanent (reject the snapshot) and transient (fail the invocation so the queue retries),
/// and words a reason a municipal IT person can act on. Reasons never carry data values (they may be personal), but
/// keep the identifiers the operator needs: column, table, constraint and type names.
/// </summary>
public static partial class LoadErrors
{
    /// <summary>
    /// The permanent form of <paramref name="exception"/>, or null when it is transient. <paramref name="identifiers"/>
    /// are names that may stay in the reason besides those PostgreSQL reports in the error's own fields (the list's
    /// table and column names); every other quoted text is a value and is replaced.
    /// </summary>
    public static PermanentLoadException? AsPermanent(Exception exception, IReadOnlySet<string>? identifiers = null) => exception switch
    {
        PermanentLoadException permanent => permanent,
        PostgresException pg when IsPermanentSqlState(pg.SqlState) => new PermanentLoadException(CodeFor(pg.SqlState), Describe(pg, identifiers), pg),
        InvalidDataException e => new PermanentLoadException(ProblemCodes.BadGzip, "The stored snapshot is not valid gzip; send a new snapshot.", e),
        DecoderFallbackException e => new PermanentLoadException(ProblemCodes.BadEncoding, "The snapshot is not valid UTF-8.", e),
        RequestFailedException { Status: 404 } e => new PermanentLoadException(SnapshotErrorCodes.BlobMissing, "The snapshot file is no longer in storage (retention?); send a new snapshot.", e),
        _ => null,
    };

    /// <summary>A short, data-free description of a transient failure for the snapshot's status.</summary>
    public static string DescribeTransient(Exception exception) => Transient(exception).Description;

    /// <summary>
    /// The code of a load that failed without a permanent cause, one for the snapshot's status and telemetry's errorCode
    /// (<see cref="SnapshotErrorCodes"/>): <c>cancelled</c> when the host was stopping the load, <c>load-timeout</c> when the
    /// load's own deadline (Load:MaxLoadSeconds) cut it, <c>transient</c> for anything else (database, storage).
    /// </summary>
    public static string FailedCode(Exception exception, bool hostStopping) => exception switch
    {
        OperationCanceledException when hostStopping => SnapshotErrorCodes.Cancelled,
        OperationCanceledException => SnapshotErrorCodes.LoadTimeout,
        _ => SnapshotErrorCodes.Transient,
    };

    /// <summary>What a transient failure came from (telemetry's cause): which dependency and its state, never a message.</summary>
    public static string TransientCause(Exception exception) => Transient(exception).Cause;

    /// <summary>One classification of a transient failure: its cause and its description, data-free both.</summary>
    private static (string Cause, string Description) Transient(Exception exception) => exception switch
    {
        PostgresException { SqlState: InsufficientPrivilege } pg =>
            ($"central-database-{pg.SqlState}", $"central database error {pg.SqlState} (insufficient privilege: a grant to the app's role is missing); the load will be retried"),
        PostgresException pg => ($"central-database-{pg.SqlState}", $"central database error {pg.SqlState}; the load will be retried"),
        NpgsqlException => ("central-database-unreachable", "central database unreachable; the load will be retried"),
        RequestFailedException rf => ($"storage-{rf.Status}", $"storage error {rf.Status}; the load will be retried"),
        TimeoutException or OperationCanceledException => ("timeout", "the load timed out; it will be retried"),
        _ => ("unexpected", $"{exception.GetType().Name}; the load will be retried"),
    };

    /// <summary>
    /// SQLSTATE 42501, insufficient privilege: the central database's grants, not the snapshot. Transient (retried,
    /// and alerted on: bicep's alert-load-privilege reads the cause <c>central-database-42501</c>), so one grant mistake
    /// delays loads until it is fixed instead of rejecting every snapshot until someone replays them.
    /// </summary>
    public const string InsufficientPrivilege = "42501";

    // Class 22 data exception (bad values, bad CSV), 23 integrity (duplicate or null key), 42 schema mismatch (but not
    // a missing grant, which is the server's to fix and then passes on a retry).
    private static bool IsPermanentSqlState(string state) =>
        state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal)
        || (state.StartsWith("42", StringComparison.Ordinal) && state != InsufficientPrivilege);

    private static string CodeFor(string state) => state switch
    {
        "23505" => SnapshotErrorCodes.DuplicateKey,
        "23502" => SnapshotErrorCodes.NullKey,
        _ when state.StartsWith("42", StringComparison.Ordinal) => SnapshotErrorCodes.SchemaMismatch,
        _ => SnapshotErrorCodes.BadData,
    };

    private static string Describe(PostgresException pg, IReadOnlySet<string>? identifiers)
    {
        string[] reported = [.. new[] { pg.ColumnName, pg.TableName, pg.ConstraintName, pg.SchemaName, pg.DataTypeName }.OfType<string>()];
        bool IsIdentifier(string quoted) => reported.Contains(quoted, StringComparer.Ordinal) || identifiers?.Contains(quoted) == true;
        var message = WithoutValues(pg.MessageText, IsIdentifier);
        var where = pg.Where is { } w && CopyLocation().Match(w) is { Success: true } m
            ? $" at CSV line {m.Groups["line"].Value}" + (m.Groups["column"].Success ? $", column {m.Groups["column"].Value}" : string.Empty)
            : string.Empty;
        var hint = pg.SqlState switch
        {
            "23505" => " Two rows of the snapshot have the same key: check the list's SQL.",
            "23502" => " A key column is empty in some row: check the list's SQL.",
            _ when pg.SqlState.StartsWith("42", StringComparison.Ordinal) => " The central table does not match the list definition: tell the operator.",
            _ => " Check the list's SQL output types against the list definition.",
        };
        return $"{message}{where}.{hint}";
    }

    /// <summary>
    /// The message with every quoted value replaced. PostgreSQL quotes a value without escaping it, so a value may hold
    /// quotes of its own (<c>"Maria "Preta" Santos"</c>): from the first quoted text that is not a known identifier to the
    /// last quote of the same kind is all value. Hex byte runs (an invalid UTF-8 sequence's bytes) go too.
    /// </summary>
    private static string WithoutValues(string message, Func<string, bool> isIdentifier)
    {
        // Every value goes, whichever quote it is in ("…" then '…'): the scan goes on after each replacement.
        var start = 0;
        while (QuotedValue().Match(message, start) is { Success: true } quoted)
        {
            if (isIdentifier(quoted.Value[1..^1]))
            {
                start = quoted.Index + quoted.Length;
                continue;
            }

            var end = message.LastIndexOf(quoted.Value[0]);
            message = message[..quoted.Index] + "(value)" + message[(end + 1)..];
            start = quoted.Index + "(value)".Length;
        }

        return HexBytes().Replace(message, "(bytes)");
    }

    [GeneratedRegex("\"[^\"]*\"|'[^']*'")]
    private static partial Regex QuotedValue();

    [GeneratedRegex("0x[0-9a-fA-F]{2}( 0x[0-9a-fA-F]{2})*")]
    private static partial Regex HexBytes();

    [GeneratedRegex(@"line (?<line>\d+)(, column (?<column>[a-z0-9_]+))?")]
    private static partial Regex CopyLocation();
}
