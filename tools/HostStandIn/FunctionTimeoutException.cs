namespace HostStandIn;

/// <summary>An invocation that ran past functionTimeout (host: Microsoft.Azure.WebJobs.Host.FunctionTimeoutException).</summary>
public sealed class FunctionTimeoutException(string message) : TimeoutException(message);
