namespace PecLists.Contracts;

/// <summary>
/// Why the backend refused to publish a list definition, one code per rule (docs/adr/0022-list-definitions-beyond-one-query.md).
/// The admin API answers a refused publish with problem+json whose <c>code</c> is the kind of refusal
/// (<see cref="ProblemCodes.BadListDefinition"/>, <see cref="ProblemCodes.BadListSignature"/>,
/// <see cref="ProblemCodes.ListVersionConflict"/>) and whose <see cref="ProblemMember"/> array lists every rule broken as
/// <c>{code, detail}</c>; <c>lists publish</c> and <c>lists sign</c> print each as <c>[code] detail</c>. Clients branch on
/// these codes, never on the details; a code, once published, keeps its meaning.
/// </summary>
public static class PublishCodes
{
    /// <summary>The problem+json extension member holding the refusals (<c>[{ "code": …, "detail": … }]</c>).</summary>
    public const string ProblemMember = "refusals";

    // ---- The definition's shape (ProblemCodes.BadListDefinition).

    /// <summary>The list name is not a plain lowercase identifier of up to 40 characters.</summary>
    public const string ListNameInvalid = "list-name-invalid";

    /// <summary>The version is below 1.</summary>
    public const string VersionInvalid = "version-invalid";

    /// <summary>A PostgreSQL list without SQL.</summary>
    public const string SqlRequired = "sql-required";

    /// <summary>The SQL is more than one statement, or ends with ';' (it runs inside <c>COPY (…) TO STDOUT</c>; <see cref="SqlStatement"/>).</summary>
    public const string SqlNotOneStatement = "sql-not-one-statement";

    /// <summary>No columns.</summary>
    public const string ColumnsRequired = "columns-required";

    /// <summary>A column name that is not a plain identifier, is reserved for the table's own columns, or appears twice.</summary>
    public const string ColumnNameInvalid = "column-name-invalid";

    /// <summary>A column type outside the allowed ones (<c>ColumnTypes</c>).</summary>
    public const string ColumnTypeUnknown = "column-type-unknown";

    /// <summary>A key column that is not a column, appears twice, or is <c>"compare": false</c>; or no column is compared.</summary>
    public const string KeyInvalid = "key-invalid";

    /// <summary>An append or incremental list without a key: its deliveries could not be told apart from rows already there.</summary>
    public const string KeyRequired = "key-required";

    /// <summary>A <c>mode</c> that is not one of <see cref="LoadModes.All"/>.</summary>
    public const string ModeUnknown = "mode-unknown";

    /// <summary>An incremental list without <c>incremental.cursorColumn</c>.</summary>
    public const string CursorColumnRequired = "cursor-column-required";

    /// <summary><c>incremental.cursorColumn</c> is not among the columns.</summary>
    public const string CursorColumnNotAColumn = "cursor-column-not-a-column";

    /// <summary><c>incremental.softDeleteColumn</c> is not among the columns.</summary>
    public const string SoftDeleteColumnNotAColumn = "soft-delete-column-not-a-column";

    /// <summary>An <c>incremental</c> part on a list whose mode is not incremental, or a negative lookback or key-set period.</summary>
    public const string IncrementalInvalid = "incremental-invalid";

    /// <summary>A <c>source.kind</c> that is not one of <see cref="SourceKinds.All"/>.</summary>
    public const string SourceKindUnknown = "source-kind-unknown";

    /// <summary>An HTTP list without <c>source.url</c>, or one that is not an absolute http(s) URL.</summary>
    public const string HttpUrlRequired = "http-url-required";

    /// <summary>An HTTP list with <c>sql</c>: it would never run, and a reader would think it does.</summary>
    public const string HttpWithSql = "http-with-sql";

    /// <summary>An HTTP source's headers, secret headers or timeout that cannot be sent as given.</summary>
    public const string HttpSourceInvalid = "http-source-invalid";

    /// <summary>A record selector with an empty step.</summary>
    public const string RecordSelectorInvalid = "record-selector-invalid";

    /// <summary>A paginator type that is not one of <see cref="PaginatorTypes.All"/>.</summary>
    public const string PaginatorTypeUnknown = "paginator-type-unknown";

    /// <summary>A paginator missing what its type needs, with members of the other type, or with a bound below 1.</summary>
    public const string PaginatorInvalid = "paginator-invalid";

    /// <summary>HTTP-only parts (url, headers, paginator, a column's <c>field</c> or <c>format</c>) on a PostgreSQL list.</summary>
    public const string HttpPartOnPostgres = "http-part-on-postgres";

    /// <summary>A column <c>format</c> that is not one of <see cref="FieldFormats.All"/>.</summary>
    public const string FormatUnknown = "format-unknown";

    /// <summary>A column <c>format</c> on a column of a type it does not produce (the epoch formats make a <c>timestamptz</c>).</summary>
    public const string FormatTypeMismatch = "format-type-mismatch";

    /// <summary>A column <c>field</c> path with an empty step.</summary>
    public const string FieldInvalid = "field-invalid";

    /// <summary>A <c>mask.kind</c> that is not one of <see cref="MaskKinds.All"/>.</summary>
    public const string MaskKindUnknown = "mask-kind-unknown";

    /// <summary>A mask on a column whose type cannot hold its output, or with a unit or digits it cannot use.</summary>
    public const string MaskTypeMismatch = "mask-type-mismatch";

    /// <summary>A key column masked so that different rows would share a key (redact, last-digits, truncate); hash is allowed.</summary>
    public const string MaskOnKey = "mask-on-key";

    /// <summary>
    /// A mask on an incremental list's cursor column: the uploader reads rows later than the acknowledged cursor and sends
    /// the highest cursor of a delivery, both compared as the column's clear values, so a masked cursor cannot work.
    /// </summary>
    public const string MaskOnCursor = "mask-on-cursor";

    /// <summary><c>schedule.everyMinutes</c> below 1, or <c>deliverEveryMinutes</c> below 1.</summary>
    public const string ScheduleInvalid = "schedule-invalid";

    /// <summary><c>schedule.deliverEveryMinutes</c> on a list whose mode is not append.</summary>
    public const string DeliverEveryNotAppend = "deliver-every-not-append";

    /// <summary><c>schedule.deliverEveryMinutes</c> that is not a multiple of <c>everyMinutes</c>.</summary>
    public const string DeliverEveryNotMultiple = "deliver-every-not-multiple";

    /// <summary>A view name that is not a plain lowercase identifier of up to 63 characters, or appears twice.</summary>
    public const string ViewNameInvalid = "view-name-invalid";

    /// <summary>A view name that is a list's name, another list's view, or another relation of schema <c>lists</c>.</summary>
    public const string ViewNameTaken = "view-name-taken";

    /// <summary>A view's SQL that is more than one statement (<see cref="SqlStatement"/>).</summary>
    public const string ViewNotOneStatement = "view-not-one-statement";

    /// <summary>A view's SQL that is not a query (it must start with SELECT or WITH).</summary>
    public const string ViewNotSelect = "view-not-select";

    /// <summary>PostgreSQL refused to create a view (a column or table it names does not exist, a type error…): nothing was stored.</summary>
    public const string ViewFailed = "view-failed";

    // ---- Against the versions already stored (ProblemCodes.ListVersionConflict).

    /// <summary>The version is already published with other content.</summary>
    public const string VersionContentChanged = "version-content-changed";

    /// <summary>The key differs from the stored versions' (one table serves every version).</summary>
    public const string KeyChanged = "key-changed";

    /// <summary>A column's type differs from a stored version's.</summary>
    public const string ColumnTypeChanged = "column-type-changed";

    /// <summary>The mode differs from the stored versions' (the central table's rows mean something else per mode).</summary>
    public const string ModeChanged = "mode-changed";

    /// <summary>The cursor column differs from the stored versions' (the acknowledged cursors would mean another column).</summary>
    public const string CursorColumnChanged = "cursor-column-changed";

    /// <summary>The list's name is already a view of another list in schema <c>lists</c>.</summary>
    public const string ListNameTaken = "list-name-taken";

    // ---- The signature (ProblemCodes.BadListSignature).

    /// <summary>Not signed, while the backend has a signing key.</summary>
    public const string SignatureMissing = "signature-missing";

    /// <summary>A signature (v1, v2 or v3) that does not verify with the backend's key.</summary>
    public const string SignatureInvalid = "signature-invalid";

    /// <summary>A definition that uses parts only v3 covers (<see cref="ListDefinitionSignature.IsBeyondV2"/>) signed without v3.</summary>
    public const string SignatureV3Required = "signature-v3-required";
}
