using DbUp;
using DbUp.Engine.Output;

namespace PecLists.Functions.Data;

/// <summary>Applies the versioned central schema migrations (embedded SQL files) with DbUp.</summary>
public static class Migrator
{
    public static MigrationOutcome Migrate(string connectionString, TextWriter output)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.Contains(".Data.Migrations.", StringComparison.Ordinal))
            .JournalToPostgresqlTable("public", "schema_versions")
            .WithTransactionPerScript()
            .LogTo(new WriterLog(output))
            .Build();

        var pending = upgrader.GetScriptsToExecute().Select(s => s.Name).ToList();
        var result = upgrader.PerformUpgrade();
        return result.Successful
            ? new MigrationOutcome(true, pending, null)
            : new MigrationOutcome(false, pending, result.Error?.Message);
    }

    private sealed class WriterLog(TextWriter output) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }

        public void LogDebug(string format, params object[] args) { }

        public void LogInformation(string format, params object[] args) => output.WriteLine(format, args);

        public void LogWarning(string format, params object[] args) => output.WriteLine("warning: " + format, args);

        public void LogError(string format, params object[] args) => output.WriteLine("error: " + format, args);

        public void LogError(Exception ex, string format, params object[] args) => output.WriteLine("error: " + format, args);
    }
}
