namespace HostStandIn;

/// <summary>A queue-triggered function as its function.json declares it.</summary>
public sealed record QueueFunction(string Name, string BindingName, string QueueName, string Connection, string? DataType);
