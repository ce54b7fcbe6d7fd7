using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Storage;

/// <summary>
/// Where snapshots are kept: the blob container, "Ingest:Container". Its rule's message names the setting as it is configured.
/// </summary>
public sealed class SnapshotStorageOptions
{
    /// <summary>The section it shares with the other "Ingest" settings (the names are as they always were).</summary>
    public const string Section = "Ingest";

    /// <summary>Blob container of the snapshots (Azure's rules for container names).</summary>
    [Required(ErrorMessage = "Ingest:Container must be set.")]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$",
        ErrorMessage = "Ingest:Container must be 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")]
    public string Container { get; set; } = "snapshots";
}
