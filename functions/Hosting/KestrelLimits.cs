using Ingest.Functions.Storage;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ingest.Functions.Hosting;

/// <summary>Request body limits: the compressed cap (+1 so the app, not Kestrel, answers at the cap) and the minimum body rate.</summary>
public static class KestrelLimits
{
    public static void Apply(KestrelServerOptions kestrel, IConfiguration configuration)
    {
        var maxBody = configuration.GetValue($"{IngestOptions.Section}:MaxCompressedBytes", 100L * 1024 * 1024);
        kestrel.Limits.MaxRequestBodySize = maxBody + 1;

        // Kestrel's defaults (240 B/s after a 5 s grace); tests shorten the grace to see a trickled body refused quickly.
        var bytesPerSecond = configuration.GetValue($"{IngestOptions.Section}:MinBodyBytesPerSecond", 240.0);
        var grace = configuration.GetValue($"{IngestOptions.Section}:MinBodyRateGraceSeconds", 5.0);
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond, TimeSpan.FromSeconds(grace));
    }
}
