using LocalInfra;

namespace Releases.Tests.SelfUpdate;

/// <summary>What scripts/package.sh answered (<paramref name="Packaging"/>) and where it put the executable.</summary>
public sealed record ShippedBuild(ProcessResult Packaging, string Executable);
