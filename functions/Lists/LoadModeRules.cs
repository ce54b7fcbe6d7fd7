using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// The rules of a definition's load mode, cursor and schedule (ADR 0022): what the loader and the uploader's watch mode
/// need to do what the definition asks, checked at publish so a list that cannot work is never served.
/// </summary>
public static class LoadModeRules
{
    public static void Check(ListDefinition definition, List<ListRefusal> refusals)
    {
        var mode = definition.LoadMode;
        if (!LoadModes.All.Contains(mode))
        {
            refusals.Add(new(PublishCodes.ModeUnknown, $"mode '{mode}' is not one of {string.Join(", ", LoadModes.All)}"));
        }

        // Deliveries of these modes add to or change the central rows one by one: only a key says which row a delivered one is.
        if (mode is LoadModes.Append or LoadModes.Incremental && definition.Key.Count == 0)
        {
            refusals.Add(new(PublishCodes.KeyRequired, $"an {mode} list needs a key: its deliveries are matched to the rows already there by key (a row delivered twice must count once)"));
        }

        CheckIncremental(definition, mode, refusals);
        CheckSchedule(definition, mode, refusals);
    }

    private static void CheckIncremental(ListDefinition definition, string mode, List<ListRefusal> refusals)
    {
        var incremental = definition.Incremental;
        if (mode != LoadModes.Incremental)
        {
            if (incremental is not null)
            {
                refusals.Add(new(PublishCodes.IncrementalInvalid, $"\"incremental\" is given but the mode is {mode}: say \"mode\": \"{LoadModes.Incremental}\" or remove it"));
            }

            return;
        }

        var columns = definition.Columns.Where(c => c?.Name is not null).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (incremental is null || string.IsNullOrWhiteSpace(incremental.CursorColumn))
        {
            refusals.Add(new(PublishCodes.CursorColumnRequired, "an incremental list needs \"incremental\": {\"cursorColumn\": …}, the column whose value says a row changed (e.g. its last update time)"));
            return;
        }

        if (!columns.Contains(incremental.CursorColumn))
        {
            refusals.Add(new(PublishCodes.CursorColumnNotAColumn, $"incremental.cursorColumn '{incremental.CursorColumn}' is not one of the list's columns"));
        }

        if (incremental.SoftDeleteColumn is { } softDelete && !columns.Contains(softDelete))
        {
            refusals.Add(new(PublishCodes.SoftDeleteColumnNotAColumn, $"incremental.softDeleteColumn '{softDelete}' is not one of the list's columns"));
        }

        if (incremental.LookbackSeconds < 0)
        {
            refusals.Add(new(PublishCodes.IncrementalInvalid, "incremental.lookbackSeconds must be 0 or more"));
        }

        if (incremental.KeySetEveryHours < 1)
        {
            refusals.Add(new(PublishCodes.IncrementalInvalid, "incremental.keySetEveryHours must be 1 or more"));
        }
    }

    private static void CheckSchedule(ListDefinition definition, string mode, List<ListRefusal> refusals)
    {
        if (definition.Schedule is not { } schedule)
        {
            return;
        }

        if (schedule.EveryMinutes < 1)
        {
            refusals.Add(new(PublishCodes.ScheduleInvalid, "schedule.everyMinutes must be 1 or more"));
        }

        if (schedule.DeliverEveryMinutes is not { } deliver)
        {
            return;
        }

        if (deliver < 1)
        {
            refusals.Add(new(PublishCodes.ScheduleInvalid, "schedule.deliverEveryMinutes must be 1 or more"));
        }
        else if (mode != LoadModes.Append)
        {
            // A snapshot or a set of changes batched from several polls would hold the same rows several times over.
            refusals.Add(new(PublishCodes.DeliverEveryNotAppend, $"schedule.deliverEveryMinutes batches polls into one delivery, which only an {LoadModes.Append} list can take; this list's mode is {mode}"));
        }
        else if (schedule.EveryMinutes >= 1 && deliver % schedule.EveryMinutes != 0)
        {
            refusals.Add(new(PublishCodes.DeliverEveryNotMultiple, $"schedule.deliverEveryMinutes ({deliver}) must be a multiple of everyMinutes ({schedule.EveryMinutes}): a delivery holds whole polls"));
        }
    }
}
