using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Data;

/// <summary>
/// The app's share of the central database's connections ("Database" configuration section). Each instance opens at
/// most <see cref="MaxPoolSize"/> connections; a request that finds the pool busy waits for one (up to the connection
/// string's Timeout) instead of opening more. Budget: instances × MaxPoolSize + operators' sessions ≤ the server's
/// max_connections minus its reserved ones (README "Database load").
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    [Range(2, 1000, ErrorMessage = "Database:MaxPoolSize must be between {1} and {2}.")]
    public int MaxPoolSize { get; set; } = 20;
}
