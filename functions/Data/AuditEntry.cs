namespace PecLists.Functions.Data;

/// <summary>What one row of <c>ingest.operator_audit</c> says besides who and when: the action, its target and a little detail.</summary>
public sealed record AuditEntry(string Action, string Target, IReadOnlyDictionary<string, object?>? Detail = null);
