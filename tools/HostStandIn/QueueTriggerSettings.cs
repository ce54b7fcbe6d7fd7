namespace HostStandIn;

/// <summary>The queue trigger settings the host applies (host.json <c>extensions.queues</c>, extension defaults).</summary>
public sealed record QueueTriggerSettings(
    int BatchSize,
    int NewBatchThreshold,
    int MaxDequeueCount,
    TimeSpan VisibilityTimeout,
    TimeSpan MaxPollingInterval,
    string MessageEncoding);
