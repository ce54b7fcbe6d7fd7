using System.ComponentModel.DataAnnotations;

namespace PecLists.Functions.Data;

/// <summary>
/// How the app reaches the central database and signs in ("Database" configuration section). Each instance opens at
/// most <see cref="MaxPoolSize"/> connections; a request that finds the pool busy waits for one (up to the connection
/// string's Timeout) instead of opening more. In Azure those connections go to the server's built-in PgBouncer in
/// transaction mode (<see cref="TransactionPooling"/>), whose own pool is what PostgreSQL sees, so the server's
/// connections do not grow with the instance count (docs/adr/0020-connection-budget-through-pgbouncer.md, README
/// "Connections"). Directly (locally), instances × MaxPoolSize must fit the server's max_connections.
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

    /// <summary>
    /// True when ConnectionStrings:Central names a transaction pooler (Azure's built-in PgBouncer, port 6432) rather than
    /// PostgreSQL itself: no startup options are sent (PgBouncer refuses them), Npgsql does not reset a connection it
    /// takes back into its pool (DISCARD ALL "makes no sense in these modes", https://www.npgsql.org/doc/compatibility.html#pgbouncer),
    /// and nothing may rely on a session outliving its transaction (ADR 0020).
    /// </summary>
    public bool TransactionPooling { get; set; }

    /// <summary>Copied from ConnectionStrings:Central when the options are read: its Max Auto Prepare (0 when unset).</summary>
    public int ConnectionStringMaxAutoPrepare { get; internal set; }

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

        if (TransactionPooling && ConnectionStringMaxAutoPrepare > 0)
        {
            // Npgsql keeps prepared statements per physical connection; through a transaction pooler the server session
            // behind it changes at every transaction, and a statement prepared on one is unknown on the next.
            yield return new ValidationResult("ConnectionStrings:Central must not set Max Auto Prepare when Database:TransactionPooling is true (prepared statements live in one server session, and a transaction pooler changes the session at every transaction).");
        }

        if (UsesEntra && ConnectionStringHasPassword)
        {
            yield return new ValidationResult("ConnectionStrings:Central must not carry a Password when Database:Authentication is entra (the token is the password).");
        }
    }
}
