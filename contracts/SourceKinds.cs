namespace PecLists.Contracts;

/// <summary>Where a list's rows come from (the definition's <c>source.kind</c>; no <c>source</c> means <see cref="Postgres"/>).</summary>
public static class SourceKinds
{
    /// <summary>The definition's SQL over the site's PostgreSQL, read-only (today's lists).</summary>
    public const string Postgres = "postgres";

    /// <summary>An HTTP API answering JSON: the rows are read from the document (<see cref="ListSourceDto"/>).</summary>
    public const string Http = "http";

    public static readonly IReadOnlyList<string> All = [Postgres, Http];

    public static string Of(ListDefinitionDto definition) => definition.Source?.Kind ?? Postgres;
}
