using Microsoft.Extensions.Options;

namespace PecLists.Functions.Storage;

/// <summary>Source-generated validation of <see cref="IngestStorageOptions"/> (no reflection at start-up).</summary>
[OptionsValidator]
public sealed partial class IngestStorageOptionsValidator : IValidateOptions<IngestStorageOptions>;
