namespace HostStandIn;

/// <summary>
/// The "sys" binding data every trigger carries (Azure/azure-webjobs-sdk, BindingFactory.SystemBindingData):
/// serialized through <c>JObject.FromObject</c>, so it arrives as an object, unlike the scalar metadata.
/// </summary>
public sealed class SystemBindingData(string methodName)
{
    public string MethodName { get; } = methodName;

    public DateTime UtcNow { get; } = DateTime.UtcNow;

    public Guid RandGuid { get; } = Guid.NewGuid();
}
