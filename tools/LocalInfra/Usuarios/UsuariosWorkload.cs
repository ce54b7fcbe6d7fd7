using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using SyntheticPec;

namespace LocalInfra.Usuarios;

/// <summary>
/// An application writing to <c>usuarios</c> (examples/usuarios-mirror; <c>tools/Examples workload</c> runs it on its
/// own): inserts, updates, soft and hard deletes at a steady rate (<see cref="UsuariosWorkloadOptions"/>: 150,000 a
/// day, sped up), each in its own transaction with <c>updated_at = now()</c> as applications write it; a share of the
/// transactions stays open a few seconds before committing, so their rows become visible with an <c>updated_at</c>
/// older than rows committed meanwhile (the late commits an incremental read must not miss). Every committed change is
/// recorded (<see cref="Changes"/>) with its commit time, from which the mirror's lag is measured.
/// </summary>
public sealed class UsuariosWorkload(string connectionString, UsuariosWorkloadOptions options)
{
    private readonly ConcurrentQueue<UsuariosChange> _changes = new();
    private readonly Random _random = new(options.Seed);
    private readonly List<Task> _late = [];

    public IReadOnlyList<UsuariosChange> Changes => [.. _changes.OrderBy(c => c.CommittedAt)];

    /// <summary>Inserts <paramref name="rows"/> users at once (the table's state before the mirror starts).</summary>
    public async Task SeedAsync(int rows, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var copy = await connection.BeginBinaryImportAsync("COPY usuarios (nome, cpf, email, telefone) FROM STDIN (FORMAT binary)", ct);
        for (var i = 0; i < rows; i++)
        {
            var (nome, cpf, email, telefone) = NewPerson();
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(nome, ct);
            await copy.WriteAsync(cpf, ct);
            await copy.WriteAsync(email, ct);
            if (telefone is null)
            {
                await copy.WriteNullAsync(ct);
            }
            else
            {
                await copy.WriteAsync(telefone, ct);
            }
        }

        await copy.CompleteAsync(ct);
    }

    /// <summary>Changes the table at the configured rate for <paramref name="duration"/> (or until cancelled), then waits for the late commits.</summary>
    public async Task RunAsync(TimeSpan duration, Action<UsuariosChange>? onChange = null, CancellationToken ct = default)
    {
        options.Validate();
        await using var connection = await OpenAsync(ct);
        var clock = Stopwatch.StartNew();
        var done = 0L;
        while (clock.Elapsed < duration && !ct.IsCancellationRequested)
        {
            // Paced by the rate, not by each change's duration: a slow change is followed by a quicker next one.
            var due = options.Interval * done;
            if (due > clock.Elapsed)
            {
                try
                {
                    await Task.Delay(due - clock.Elapsed, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            done++;
            var kind = PickKind();
            var statement = Statement(kind); // drawn here: the random source is this loop's alone
            if (_random.NextDouble() < options.LateCommitShare)
            {
                _late.Add(ChangeAsync(null, kind, statement, options.LateCommitDelay, onChange, CancellationToken.None));
            }
            else
            {
                await ChangeAsync(connection, kind, statement, TimeSpan.Zero, onChange, CancellationToken.None);
            }
        }

        await Task.WhenAll(_late);
    }

    private UsuariosChangeKind PickKind()
    {
        var x = _random.NextDouble();
        return x < options.InsertShare ? UsuariosChangeKind.Insert
            : x < options.InsertShare + options.SoftDeleteShare ? UsuariosChangeKind.SoftDelete
            : x < options.InsertShare + options.SoftDeleteShare + options.HardDeleteShare ? UsuariosChangeKind.HardDelete
            : UsuariosChangeKind.Update;
    }

    /// <summary>One change in its own transaction, held open <paramref name="holdOpen"/> before the commit (on its own connection then).</summary>
    private async Task ChangeAsync(
        NpgsqlConnection? shared, UsuariosChangeKind kind, (string Sql, (string Name, object? Value)[] Parameters) statement, TimeSpan holdOpen, Action<UsuariosChange>? onChange, CancellationToken ct)
    {
        NpgsqlConnection? own = shared is null ? await OpenAsync(ct) : null;
        try
        {
            var connection = shared ?? own!;
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var (sql, parameters) = statement;
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct))
                {
                    return; // no live row to change (an empty table): nothing committed, nothing recorded
                }

                var id = reader.GetInt64(0);
                var updatedAt = reader.GetFieldValue<DateTimeOffset>(1);
                await reader.CloseAsync();
                if (holdOpen > TimeSpan.Zero)
                {
                    await Task.Delay(holdOpen, ct);
                }

                await transaction.CommitAsync(ct);
                var change = new UsuariosChange(id, kind, updatedAt, DateTimeOffset.UtcNow);
                _changes.Enqueue(change);
                onChange?.Invoke(change);
            }
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>The change's SQL, returning the row's id and updated_at; a random live row for updates and deletes.</summary>
    private (string Sql, (string Name, object? Value)[] Parameters) Statement(UsuariosChangeKind kind)
    {
        const string Pick = "(SELECT id FROM usuarios WHERE deleted_at IS NULL AND id >= (SELECT min(id) + floor(@r * (max(id) - min(id) + 1))::bigint FROM usuarios) ORDER BY id LIMIT 1)";
        var r = _random.NextDouble();
        switch (kind)
        {
            case UsuariosChangeKind.Insert:
                var (nome, cpf, email, telefone) = NewPerson();
                return ("INSERT INTO usuarios (nome, cpf, email, telefone) VALUES (@nome, @cpf, @email, @telefone) RETURNING id, updated_at",
                    [("nome", nome), ("cpf", cpf), ("email", email), ("telefone", telefone)]);
            case UsuariosChangeKind.SoftDelete:
                return ($"UPDATE usuarios SET deleted_at = now(), updated_at = now() WHERE id = {Pick} RETURNING id, updated_at", [("r", r)]);
            case UsuariosChangeKind.HardDelete:
                return ($"DELETE FROM usuarios WHERE id = {Pick} RETURNING id, now()", [("r", r)]);
            default:
                var (newName, _, newEmail, newPhone) = NewPerson();
                var column = _random.Next(3);
                var set = column switch { 0 => "nome = @v", 1 => "email = @v", _ => "telefone = @v" };
                object? value = column switch { 0 => newName, 1 => newEmail, _ => newPhone };
                return ($"UPDATE usuarios SET {set}, updated_at = now() WHERE id = {Pick} RETURNING id, updated_at", [("r", r), ("v", value)]);
        }
    }

    private (string Nome, string Cpf, string Email, string? Telefone) NewPerson()
    {
        var female = _random.Next(2) == 0;
        var nome = BrazilianNames.FullName(_random, female);
        var login = new string([.. nome.ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormD).Where(char.IsAsciiLetter).Take(12)]);
        var email = $"{login}{_random.Next(1000)}@{(_random.Next(3) switch { 0 => "gmail.com", 1 => "hotmail.com", _ => "exemplo.org.br" })}";
        var telefone = _random.Next(5) == 0 ? null : $"{_random.Next(11, 99)}9{_random.Next(10_000_000, 99_999_999)}";
        return (nome, BrazilianDocuments.Cpf(_random), email, telefone);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
