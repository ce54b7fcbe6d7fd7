using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Snapshots;
using Microsoft.Extensions.Primitives;

namespace PecLists.Functions.Ingest;

/// <summary>
/// What a snapshot PUT says it delivers (<c>X-Delivery</c>, absent: a whole snapshot) and, for an incremental list, up
/// to where (<c>X-Cursor</c>), checked against the list's stored versions before a byte of the body is read
/// (docs/adr/0022-list-definitions-beyond-one-query.md). Each refusal has its own code; the cursor sent is never
/// echoed (it is a value of the site's rows).
/// </summary>
public static class DeliveryCheck
{
    /// <summary>
    /// The delivery, with the versions that may take it (in the order given: the active one first), or the problem to
    /// answer. <paramref name="versions"/> is not empty.
    /// </summary>
    public static IResult? TryRead(IHeaderDictionary headers, IReadOnlyList<ListDefinition> versions, out Delivery delivery)
    {
        delivery = new Delivery(DeliveryKinds.Snapshot, null, versions);
        var active = versions[0];
        var kindHeader = headers[WireNames.DeliveryHeader];
        var kind = DeliveryKinds.Snapshot;
        if (!StringValues.IsNullOrEmpty(kindHeader))
        {
            kind = kindHeader.Count == 1 ? DeliveryKinds.All.FirstOrDefault(k => k == kindHeader.ToString().Trim()) ?? string.Empty : string.Empty;
            if (kind.Length == 0)
            {
                return Problems.Result(400, ProblemCodes.UnknownDeliveryKind, $"Unknown {WireNames.DeliveryHeader}",
                    $"{WireNames.DeliveryHeader} must be one of {string.Join(", ", DeliveryKinds.All)}, or absent for a whole snapshot.");
            }
        }

        var accepting = versions.Where(v => DeliveryKinds.AllowedBy(v.LoadMode).Contains(kind)).ToList();
        if (accepting.Count == 0)
        {
            return Problems.Result(400, ProblemCodes.DeliveryNotAllowed, "Delivery kind not allowed for this list",
                $"List '{active.Name}' is loaded in mode '{active.LoadMode}', which takes {string.Join(", ", DeliveryKinds.AllowedBy(active.LoadMode))} deliveries, not {kind}. " +
                "Fetch the list definitions again and extract as the current version says.");
        }

        var cursorHeader = headers[WireNames.CursorHeader];
        if (StringValues.IsNullOrEmpty(cursorHeader))
        {
            if (kind == DeliveryKinds.Changes)
            {
                return Problems.Result(400, ProblemCodes.MissingCursor, $"Missing {WireNames.CursorHeader}",
                    $"A {DeliveryKinds.Changes} delivery must carry {WireNames.CursorHeader}: the highest cursor value among its rows (the acknowledged one when it has none).");
            }

            delivery = new Delivery(kind, null, accepting);
            return null;
        }

        var incremental = accepting.Where(v => v.LoadMode == LoadModes.Incremental).ToList();
        if (kind is not (DeliveryKinds.Snapshot or DeliveryKinds.Changes) || incremental.Count == 0)
        {
            return Problems.Result(400, ProblemCodes.UnexpectedCursor, $"Unexpected {WireNames.CursorHeader}",
                incremental.Count == 0
                    ? $"List '{active.Name}' is not incremental (mode '{active.LoadMode}'): send no {WireNames.CursorHeader}."
                    : $"A {kind} delivery carries no cursor: send {WireNames.CursorHeader} only with a {DeliveryKinds.Snapshot} or {DeliveryKinds.Changes} delivery.");
        }

        var cursor = cursorHeader.Count == 1 ? cursorHeader.ToString().Trim() : null;
        var valid = incremental.Where(v => CursorValues.Parse(CursorColumn.TypeOf(v), cursor) is not null).ToList();
        if (cursor is null || valid.Count == 0)
        {
            return Problems.Result(400, ProblemCodes.BadCursor, $"Malformed {WireNames.CursorHeader}",
                $"{WireNames.CursorHeader} must be one value of the list's cursor column '{incremental[0].Incremental?.CursorColumn}': {CursorValues.Describe(CursorColumn.TypeOf(incremental[0]))}.");
        }

        delivery = new Delivery(kind, cursor, valid);
        return null;
    }

    /// <summary>The CSV header a delivery of <paramref name="kind"/> must have with <paramref name="version"/>: a key set carries the key columns only.</summary>
    public static string ExpectedHeader(ListDefinition version, string kind) =>
        kind == DeliveryKinds.KeySet ? string.Join(',', version.Key) : ListDefinitionRules.ExpectedHeader(version);
}
