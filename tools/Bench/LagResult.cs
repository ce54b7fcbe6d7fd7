namespace Bench;

/// <summary>The mirror's lag under a continuous workload: one value (seconds) per change seen at central.</summary>
public sealed record LagResult(int Minutes, int ChangesPerMinute, int Committed, IReadOnlyList<double> Lags, int NotSeen, int WatchLogLines);
