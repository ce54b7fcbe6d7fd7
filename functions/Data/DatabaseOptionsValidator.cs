using Microsoft.Extensions.Options;

namespace PecLists.Functions.Data;

/// <summary>Source-generated validation of <see cref="DatabaseOptions"/> (no reflection at start-up).</summary>
[OptionsValidator]
public sealed partial class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>;
