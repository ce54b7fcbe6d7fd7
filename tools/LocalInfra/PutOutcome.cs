namespace LocalInfra;

/// <summary>
/// One snapshot PUT: the final HTTP status (0: no answer), the last attempt's latency, the time including retries,
/// and how many 429/503 refusals came before it.
/// </summary>
public sealed record PutOutcome(Guid SnapshotId, int Status, double Seconds, double TotalSeconds, int Refusals);
