using Dapper;
using Npgsql;
using PecLists.Contracts;
using PecLists.Functions.Data;

namespace PecLists.Functions.Lists;

/// <summary>
/// A list's central views (<see cref="DerivedViewDto"/>) in schema <c>lists</c>, kept in step with its active version
/// inside the transaction that activates it (docs/adr/0022-list-definitions-beyond-one-query.md): the previous active
/// version's views are dropped and the new version's created from their SQL, so a view PostgreSQL will not compile
/// refuses the whole publish and nothing is half-applied. DROP and CREATE rather than CREATE OR REPLACE, which cannot
/// drop, rename or retype a view's columns. Views are created with <c>security_invoker</c> (PostgreSQL 15+): whoever
/// reads one needs the rights to read what it reads, so a view cannot become a window a reader of schema <c>lists</c>
/// does not otherwise have. The SQL is the operator's signed central SQL; it runs only when someone reads the view.
/// </summary>
public static class DerivedViews
{
    /// <summary>Every publish or activation that touches views takes turns on this lock, so two lists never claim one name at once.</summary>
    private const string ViewsLock = "SELECT pg_advisory_xact_lock(hashtext('lists.views'))";

    /// <summary>SQLSTATE classes of a view PostgreSQL will not make: syntax or access rule (42), feature (0A), dependent objects (2B), data (22).</summary>
    private static readonly string[] RefusalClasses = ["42", "0A", "2B", "22"];

    /// <summary>
    /// Why <paramref name="candidate"/>'s views cannot take their names: a list's name, a view of another list's active
    /// version, or another relation of schema <c>lists</c> (a table, an index, a view nobody published) that is not one of
    /// <paramref name="current"/>, the views of the list's active version (which the candidate replaces). Empty: they can.
    /// </summary>
    public static async Task<IReadOnlyList<ListRefusal>> CollisionsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ListDefinition candidate, ListDefinition? current, CancellationToken ct)
    {
        var names = (candidate.Views ?? []).Select(v => v.Name).ToArray();
        if (names.Length == 0)
        {
            return [];
        }

        await connection.ExecuteAsync(new CommandDefinition(ViewsLock, transaction: transaction, cancellationToken: ct));
        var owned = (current?.Views ?? []).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var lists = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT name FROM ingest.list_definitions WHERE name = ANY(@names)", new { names }, transaction, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
        var otherViews = (await connection.QueryAsync<(string List, string View)>(new CommandDefinition(
            """
            SELECT d.name, v.view ->> 'name'
              FROM ingest.list_definitions d, jsonb_array_elements(COALESCE(d.views, '[]'::jsonb)) AS v(view)
             WHERE d.is_active AND d.name <> @list AND v.view ->> 'name' = ANY(@names)
            """,
            new { list = candidate.Name, names }, transaction, cancellationToken: ct))).ToDictionary(r => r.View, r => r.List, StringComparer.Ordinal);
        var relations = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'lists' AND c.relname = ANY(@names)",
            new { names }, transaction, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);

        var refusals = new List<ListRefusal>();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            var why = lists.Contains(name) ? $"it is the name of list {name}"
                : otherViews.TryGetValue(name, out var other) ? $"it is a view of list {other}"
                : relations.Contains(name) && !owned.Contains(name) ? $"lists.{name} already exists (a table, an index or a view not published with list {candidate.Name})"
                : null;
            if (why is not null)
            {
                refusals.Add(new(PublishCodes.ViewNameTaken, $"view '{name}' of list {candidate.Name} v{candidate.Version} cannot take its name: {why}; choose another name"));
            }
        }

        return refusals;
    }

    /// <summary>A refusal when the list's table name <c>lists.&lt;name&gt;</c> is already a view (another list's); null when it is free or the list's own table.</summary>
    public static async Task<ListRefusal?> ListNameTakenAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ListDefinition definition, CancellationToken ct)
    {
        var kind = await connection.QueryFirstOrDefaultAsync<char?>(new CommandDefinition(
            "SELECT c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'lists' AND c.relname = @Name",
            new { definition.Name }, transaction, cancellationToken: ct));
        return kind == 'v'
            ? new(PublishCodes.ListNameTaken, $"lists.{definition.Name} is already a view (of another list): choose another name for the list, or rename that view in its list's next version")
            : null;
    }

    /// <summary>
    /// Replaces the views of <paramref name="previous"/> (the version active until now, null for none) by those of
    /// <paramref name="activating"/> and records the change in the operator audit; nothing when the same version stays
    /// active. Throws <see cref="ListPublishRefusedException"/> (<see cref="PublishCodes.ViewFailed"/>) when PostgreSQL
    /// refuses a DROP or CREATE: the transaction is then aborted, and its caller's rollback undoes the whole publish.
    /// </summary>
    public static async Task ReplaceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ListDefinition activating, ListDefinition? previous, string actor, CancellationToken ct)
    {
        var same = previous?.Version == activating.Version;
        IReadOnlyList<DerivedViewDto> old = same ? [] : previous?.Views ?? [];
        IReadOnlyList<DerivedViewDto> next = same ? [] : activating.Views ?? [];
        if (old.Count == 0 && next.Count == 0)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(ViewsLock, transaction: transaction, cancellationToken: ct));

        // Reverse order: a view may read an earlier one of the same list, and must go first.
        foreach (var view in old.Reverse())
        {
            await RunAsync(connection, transaction, activating, view.Name, $"DROP VIEW IF EXISTS lists.{ListPublisher.Quote(view.Name)}", ct);
        }

        foreach (var view in next)
        {
            await RunAsync(
                connection, transaction, activating, view.Name,
                $"CREATE VIEW lists.{ListPublisher.Quote(view.Name)} WITH (security_invoker = true) AS\n{view.Sql}", ct);
        }

        var kept = next.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        await OperatorAudit.RecordAsync(connection, transaction, actor, OperatorAudit.ListViews, $"{activating.Name} v{activating.Version}",
            new Dictionary<string, object?>
            {
                ["created"] = next.Select(v => v.Name).ToArray(),
                ["dropped"] = old.Select(v => v.Name).Where(n => !kept.Contains(n)).ToArray(),
                ["replacedVersion"] = previous?.Version,
            },
            ct);
    }

    private static async Task RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ListDefinition list, string view, string sql, CancellationToken ct)
    {
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: ct));
        }
        catch (PostgresException ex) when (RefusalClasses.Any(c => ex.SqlState.StartsWith(c, StringComparison.Ordinal)))
        {
            // MessageText names what is wrong (a column, a relation, a dependent object), never the whole SQL.
            var refusal = new ListRefusal(
                PublishCodes.ViewFailed,
                $"view '{view}' of list {list.Name} v{list.Version}: PostgreSQL refused it with \"{ex.MessageText}\" ({ex.SqlState}); nothing was published");
            throw new ListPublishRefusedException($"List definition '{list.Name}' v{list.Version} cannot be published: {refusal.Message}.", ListPublishVerdict.Invalid, [refusal]);
        }
    }
}
