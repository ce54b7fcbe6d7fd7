using System.Text.Json.Nodes;
using PecLists.Functions.Lists;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>
/// Finds the plan shape that made merges quadratic (ADR 0028 "Also"): a nested loop whose inner side, run once per outer
/// row, reads a load's rows again (or a correlated subplan that does: the same loop in another form). The staging table
/// has one index, on snapshot_id, so any read of it (or of an append's temp stage, which has none) there reads all of
/// the load's rows each time; the list's table may be read there only by its primary key with every key column given
/// (one row per outer row), not by site, which is every row of the site. Needs auto_explain's verbose output (it names
/// each relation's schema).
/// </summary>
public static class MergePlans
{
    public static IEnumerable<string> NestedLoopRereads(LoggedPlan plan, ListDefinition list) =>
        Nodes(plan.Plan)
            .Where(node => Text(node, "Node Type") == "Nested Loop")
            .SelectMany(loop => (loop["Plans"]?.AsArray() ?? []).Where(child => Text(child!, "Parent Relationship") == "Inner"))
            .Concat(CorrelatedSubPlans(plan.Plan))
            .SelectMany(inner => Nodes(inner!))
            .Where(scan => Rereads(scan, list))
            .Select(scan => $"A nested loop reads {Text(scan, "Schema")}.{Text(scan, "Relation Name")} ({Text(scan, "Node Type")}) once per outer row in:\n{plan.Json}");

    /// <summary>Whether the plan reads the list's staging table expecting at most <paramref name="atMost"/> rows from it.</summary>
    public static bool ExpectsFewStagedRows(LoggedPlan plan, ListDefinition list, double atMost) =>
        Nodes(plan.Plan).Any(node => Text(node, "Schema") == "staging" && Text(node, "Relation Name") == list.Name
            && node["Node Type"]?.GetValue<string>() != "ModifyTable" && node["Plan Rows"]?.GetValue<double>() <= atMost);

    private static bool Rereads(JsonNode scan, ListDefinition list)
    {
        var relation = Text(scan, "Relation Name");
        var schema = Text(scan, "Schema");
        if (Text(scan, "Node Type") == "CTE Scan" || relation == "stage" || (schema == "staging" && relation == list.Name))
        {
            return true;
        }

        if (schema != "lists" || relation != list.Name)
        {
            return false;
        }

        var byKey = Text(scan, "Node Type") is "Index Scan" or "Index Only Scan"
            && Text(scan, "Index Name") == list.Name + "_pkey"
            && list.Key.All(key => Text(scan, "Index Cond") is { } condition
                && (condition.Contains($".{key} = ", StringComparison.Ordinal) || condition.Contains($"({key} = ", StringComparison.Ordinal)));
        return !byKey;
    }

    /// <summary>
    /// A correlated subquery left as a subplan runs once per outer row: a nested loop by another name. A hashed subplan
    /// runs once, and an init plan is not per row.
    /// </summary>
    private static IEnumerable<JsonNode> CorrelatedSubPlans(JsonNode root) =>
        Nodes(root).Where(node => Text(node, "Parent Relationship") == "SubPlan"
            && Text(node, "Subplan Name")?.StartsWith("hashed ", StringComparison.Ordinal) != true);

    private static IEnumerable<JsonNode> Nodes(JsonNode node)
    {
        yield return node;
        foreach (var child in node["Plans"]?.AsArray() ?? [])
        {
            foreach (var descendant in Nodes(child!))
            {
                yield return descendant;
            }
        }
    }

    private static string? Text(JsonNode node, string name) => node[name]?.GetValue<string>();
}
