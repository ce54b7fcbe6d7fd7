using Npgsql;
using PecLists.Contracts;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Diagnostics;

/// <summary>
/// Doctor's checks of the PEC database: reachable with the configured login (and not as a superuser), PEC's reporting
/// freshness, and that every verified list's query plans against this PEC's tables.
/// </summary>
public static class DatabaseChecks
{
    /// <summary>The check that passes when the database answered (the heartbeat's databaseReachable).</summary>
    public const string Database = "database";

    private const string PecReports = "pec-reports";

    public static async Task CheckConnectionAsync(List<DoctorCheck> checks, string connectionString, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        try
        {
            await using var probe = await PecDatabaseProbe.OpenAsync(connectionString, ct, timeoutSeconds: 10);
            var (user, super, version) = await probe.IdentifyAsync(ct);
            checks.Add(DoctorCheck.Pass(Database, FailureCategories.SourceDatabase, Localized.Text($"connected to {builder.Host}:{builder.Port}/{builder.Database} as {user} (PostgreSQL {version})", $"conectado a {builder.Host}:{builder.Port}/{builder.Database} como {user} (PostgreSQL {version})")));
            checks.Add(super
                ? DoctorCheck.Warn("database-rights", FailureCategories.SourceDatabase, Localized.Text($"{user} is a superuser: more rights than needed", $"{user} é superusuário: tem mais permissões do que o necessário"), Localized.Text("Use the read-only role esus_leitura (run 'uploader install' again, or set database.connectionString).", "Use o usuário somente leitura esus_leitura (execute 'uploader install' novamente ou ajuste database.connectionString)."), "superuser")
                : DoctorCheck.Pass("database-rights", FailureCategories.SourceDatabase, Localized.Text($"{user} is not a superuser", $"{user} não é superusuário")));
            await CheckFreshnessAsync(checks, probe, ct);
        }
        catch (Exception ex) when (PecDatabaseProbe.IsConnectionFailure(ex))
        {
            var (detail, fix, code) = ex switch
            {
                PostgresException { SqlState: "28P01" or "28000" } => (Localized.Text("the database refused the user or password", "o banco de dados recusou o usuário ou a senha"), Localized.Text("Check database.connectionString (user esus_leitura and its password from credenciais.txt).", "Confira database.connectionString (usuário esus_leitura e a senha dele em credenciais.txt)."), "database-login"),
                PostgresException { SqlState: "3D000" } => (Localized.Text("the database does not exist", "o banco de dados não existe"), Localized.Text("Check the database name in database.connectionString (PEC uses 'esus').", "Confira o nome do banco em database.connectionString (o PEC usa 'esus')."), "database-name"),
                _ => (Localized.Text($"cannot reach PostgreSQL at {builder.Host}:{builder.Port}", $"não foi possível conectar ao PostgreSQL em {builder.Host}:{builder.Port}"), Localized.Text("Is the PEC database running? PEC's bundled PostgreSQL listens on 127.0.0.1:5433; check the e-SUS services.", "O banco de dados do PEC está em execução? O PostgreSQL que vem com o PEC escuta em 127.0.0.1:5433; verifique os serviços do e-SUS."), "database-down"),
            };
            checks.Add(DoctorCheck.Fail(Database, FailureCategories.SourceDatabase, detail, fix, code));
        }
    }

    /// <summary>EXPLAIN of each list's SQL in a read-only transaction: proves the tables, columns and rights exist, reads nothing.</summary>
    public static async Task CheckListsAsync(List<DoctorCheck> checks, string connectionString, IReadOnlyList<ListDefinitionDto> lists, CancellationToken ct)
    {
        try
        {
            await using var probe = await PecDatabaseProbe.OpenAsync(connectionString, ct);
            foreach (var list in lists)
            {
                checks.Add(await probe.ExplainAsync(list.Sql, ct) is { } ex
                    ? DoctorCheck.Fail("list-tables", FailureCategories.SourceSchema, $"{list.Name}: {ex.SqlState} {ex.MessageText}",
                        ex.SqlState == "42501"
                            ? Localized.Text("Grant SELECT on the PEC tables to the uploader's role (esus_leitura has it by default).", "Conceda SELECT nas tabelas do PEC ao usuário do uploader (o esus_leitura já tem por padrão).")
                            : Localized.Text("This PEC version may lack a table the list needs: tell the operator.", "Esta versão do PEC pode não ter uma tabela de que a lista precisa: avise o operador."), "list-tables")
                    : DoctorCheck.Pass("list-tables", FailureCategories.SourceSchema, Localized.Text($"{list.Name}: the PEC tables it reads are present and readable", $"{list.Name}: as tabelas do PEC que ela lê existem e podem ser lidas")));
            }
        }
        catch (NpgsqlException)
        {
            // Reported by the database check.
        }
    }

    private static async Task CheckFreshnessAsync(List<DoctorCheck> checks, PecDatabaseProbe probe, CancellationToken ct)
    {
        try
        {
            if (await probe.LastReportRefreshAsync(ct) is not { } at)
            {
                checks.Add(DoctorCheck.Warn(PecReports, FailureCategories.SourceDatabase, Localized.Text("PEC has not recorded any reporting refresh", "o PEC não registrou nenhum processamento dos relatórios"), Localized.Text("Check that PEC's nightly processing runs.", "Verifique se o processamento noturno do PEC está rodando."), "pec-reports-unknown"));
                return;
            }

            var age = DateTime.Now - at;
            checks.Add(age > TimeSpan.FromHours(48)
                ? DoctorCheck.Warn(PecReports, FailureCategories.SourceDatabase, Localized.Text($"PEC last refreshed its reporting tables {age.TotalHours:F0} h ago: lists will be stale", $"o PEC atualizou as tabelas de relatórios pela última vez há {age.TotalHours:F0} h: as listas ficarão desatualizadas"), Localized.Text("Check PEC's processing (Administração → Processamento) or restart PEC.", "Verifique o processamento do PEC (Administração → Processamento) ou reinicie o PEC."), "pec-reports-stale")
                : DoctorCheck.Pass(PecReports, FailureCategories.SourceDatabase, Localized.Text($"PEC reporting refreshed {age.TotalHours:F0} h ago", $"relatórios do PEC atualizados há {age.TotalHours:F0} h")));
        }
        catch (PostgresException)
        {
            checks.Add(DoctorCheck.Warn(PecReports, FailureCategories.SourceDatabase, Localized.Text("tb_relatorio_processamento not readable", "não foi possível ler tb_relatorio_processamento"), Localized.Text("Is this the PEC database (esus)?", "Este é mesmo o banco de dados do PEC (esus)?"), "pec-reports-unknown"));
        }
    }
}
