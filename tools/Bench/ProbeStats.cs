namespace Bench;

/// <summary>
/// What the central database looked like during one window: the probe query's latency percentiles (ms), the most
/// client sessions seen at once (connected, and not idle), and the most loads at once.
/// </summary>
public sealed record ProbeStats(int Samples, double P50, double P95, double P99, double Max, int PeakSessions, int PeakActiveSessions, int PeakLoads);
