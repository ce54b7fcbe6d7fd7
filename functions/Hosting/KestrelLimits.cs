using PecLists.Functions.Ingest;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PecLists.Functions.Hosting;

/// <summary>Request body limits: the compressed cap (+1 so the app, not Kestrel, answers at the cap) and the minimum body rate.</summary>
public static class KestrelLimits
{
    public static void Apply(KestrelServerOptions kestrel, IngestOptions ingest)
    {
        kestrel.Limits.MaxRequestBodySize = ingest.MaxCompressedBytes + 1;

        // Kestrel's defaults (240 B/s after a 5 s grace); tests shorten the grace to see a trickled body refused quickly.
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(ingest.MinBodyBytesPerSecond, TimeSpan.FromSeconds(ingest.MinBodyRateGraceSeconds));
    }
}
