using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Loading;

/// <summary>
/// The load queue's name, "Ingest:Queue" (load/function.json names the same queue). Its rule's message names the setting as
/// it is configured.
/// </summary>
public sealed class LoadQueueOptions
{
    /// <summary>The section it shares with the other "Ingest" settings (the names are as they always were).</summary>
    public const string Section = "Ingest";

    /// <summary>The load queue (Azure's rules for queue names, leaving room for the poison queue's suffix: <see cref="LoadQueue.PoisonNameOf"/>).</summary>
    [Required(ErrorMessage = "Ingest:Queue must be set.")]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$",
        ErrorMessage = "Ingest:Queue must be 3 to 56 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")]
    public string Queue { get; set; } = LoadQueue.DefaultName;
}
