using Npgsql;

namespace LocalInfra.Usuarios;

/// <summary>
/// The transactional <c>usuarios</c> table of examples/usuarios-mirror: an application's users, changed by the
/// application all day (<see cref="UsuariosWorkload"/>), with the usual shape of such a table: a serial key,
/// <c>updated_at</c> set by the application on every write (<c>now()</c>: the transaction's start, so a transaction
/// that commits late carries an older time), a soft-delete column, and a read-only role for the uploader.
/// </summary>
public static class UsuariosSchema
{
    public const string ReaderRole = "usuarios_leitura";

    public const string ReaderPassword = "leitura";

    public static async Task CreateAsync(string connectionString, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
            CREATE TABLE usuarios (
                id          bigserial PRIMARY KEY,
                nome        text NOT NULL,
                cpf         text NOT NULL,
                email       text NOT NULL,
                telefone    text,
                criado_em   timestamptz NOT NULL DEFAULT now(),
                updated_at  timestamptz NOT NULL DEFAULT now(),
                deleted_at  timestamptz
            );
            CREATE INDEX usuarios_updated_at ON usuarios (updated_at);
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ReaderRole}') THEN
                    CREATE ROLE {ReaderRole} LOGIN PASSWORD '{ReaderPassword}';
                END IF;
            END $$;
            GRANT SELECT ON usuarios TO {ReaderRole};
            """,
            connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
