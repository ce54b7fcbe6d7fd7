using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Http;

/// <summary>
/// The 503 dependency-unavailable answer's Retry-After, "Ingest:UnavailableRetryAfterSeconds". Its rule's message names the
/// setting as it is configured.
/// </summary>
public sealed class DependencyUnavailableOptions
{
    /// <summary>The section it shares with the other "Ingest" settings (the names are as they always were).</summary>
    public const string Section = "Ingest";

    /// <summary>Retry-After of a 503 dependency-unavailable (the central database or storage down): when to try again.</summary>
    [Range(1, 3600, ErrorMessage = "Ingest:UnavailableRetryAfterSeconds must be between {1} and {2}.")]
    public int UnavailableRetryAfterSeconds { get; set; } = 30;
}
