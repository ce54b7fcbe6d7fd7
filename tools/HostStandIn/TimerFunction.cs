namespace HostStandIn;

/// <summary>
/// A timer-triggered function as its function.json declares it (host: Binding/CoreExtensionsScriptBindingProvider
/// TimerTriggerScriptBinding: <c>schedule</c>, <c>runOnStartup</c> default false, <c>useMonitor</c> default true).
/// </summary>
public sealed record TimerFunction(string Name, string BindingName, string Schedule, bool RunOnStartup, bool UseMonitor);
