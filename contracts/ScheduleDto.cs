using System.Text.Json.Serialization;

namespace PecLists.Contracts;

/// <summary>
/// A list that runs more often than the daily run: polled every <c>EveryMinutes</c> by the uploader's <c>watch</c> mode;
/// with <c>DeliverEveryMinutes</c> (append lists), the rows of the polls of that many minutes go as one delivery.
/// </summary>
public sealed record ScheduleDto(
    int EveryMinutes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? DeliverEveryMinutes = null);
