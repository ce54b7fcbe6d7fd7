using PecLists.Uploader.Localization;
using Npgsql;

namespace PecLists.Uploader.Discovery;

/// <summary>The PEC database connection found on this machine, and where it came from (never printed with the password).</summary>
public sealed record PecConnection(string Host, int Port, string Database, string Username, string Password, string Source)
{
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Database = Database,
        Username = Username,
        Password = Password,
    }.ConnectionString;

    public override string ToString() => Localized.Text($"{Username}@{Host}:{Port}/{Database} (from {Source})", $"{Username}@{Host}:{Port}/{Database} (de {Source})");
}
