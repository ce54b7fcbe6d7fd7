using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Data;

/// <summary>
/// The app's share of the central database's connections and how it signs in ("Database" configuration section). Each
/// instance opens at most <see cref="MaxPoolSize"/> connections; a request that finds the pool busy waits for one (up to
/// the connection string's Timeout) instead of opening more. Budget: instances × MaxPoolSize + operators' sessions ≤ the
/// server's max_connections minus its reserved ones (README "Database load"; bicep/main.bicep sizes the app by it).
/// </summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    /// <summary>The connection string's own password (or none: trust, .pgpass), as locally and in the tests.</summary>
    public const string PasswordAuthentication = "password";

    /// <summary>A Microsoft Entra token for the app's identity as the password, renewed before it expires (Azure).</summary>
    public const string EntraAuthentication = "entra";

    public int MaxPoolSize { get; set; } = 20;

    public string Authentication { get; set; } = PasswordAuthentication;

    /// <summary>With entra: the user-assigned identity's client id; unset, DefaultAzureCredential (e.g. an operator's az login).</summary>
    public string? ClientId { get; set; }

    /// <summary>Copied from ConnectionStrings:Central when the options are read (not a setting of this section).</summary>
    public bool ConnectionStringHasPassword { get; internal set; }

    public bool UsesEntra => string.Equals(Authentication, EntraAuthentication, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The rules, as results without member names: the source-generated validator would otherwise prefix each line with
    /// the property's name, and the line an operator reads must start with the setting as configured.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxPoolSize is < 2 or > 1000)
        {
            yield return new ValidationResult("Database:MaxPoolSize must be between 2 and 1000.");
        }

        if (!UsesEntra && !string.Equals(Authentication, PasswordAuthentication, StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult("Database:Authentication must be 'password' (the connection string's own) or 'entra' (a Microsoft Entra token).");
        }

        if (!string.IsNullOrEmpty(ClientId) && !Guid.TryParse(ClientId, out _))
        {
            yield return new ValidationResult("Database:ClientId must be the user-assigned identity's client id (a GUID).");
        }

        if (UsesEntra && ConnectionStringHasPassword)
        {
            yield return new ValidationResult("ConnectionStrings:Central must not carry a Password when Database:Authentication is entra (the token is the password).");
        }
    }
}
