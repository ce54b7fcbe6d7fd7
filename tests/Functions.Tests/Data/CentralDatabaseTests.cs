using Microsoft.Extensions.Configuration;
using Npgsql;
using PecLists.Functions.Data;

namespace PecLists.Functions.Tests.Data;

/// <summary>How the data source talks to PostgreSQL directly and through a transaction pooler (ADR 0020). No I/O.</summary>
public sealed class CentralDatabaseTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Central"] = "Host=db.example;Port=6432;Database=central;Username=app" })
        .Build();

    [Fact]
    public void Through_a_transaction_pooler_no_startup_options_are_sent_and_returned_connections_are_not_reset()
    {
        using var pooled = CentralDatabase.Create(Configuration, 64, new DatabaseOptions { MaxPoolSize = 20, TransactionPooling = true });

        var settings = new NpgsqlConnectionStringBuilder(pooled.ConnectionString);

        Assert.True(string.IsNullOrEmpty(settings.Options), settings.Options);
        Assert.True(settings.NoResetOnClose);
        Assert.Equal(0, settings.MaxAutoPrepare);
        Assert.Equal(20, settings.MaxPoolSize);
    }

    [Fact]
    public void Directly_the_sessions_get_their_keepalives_and_timeouts_as_startup_options()
    {
        using var direct = CentralDatabase.Create(Configuration, 64, new DatabaseOptions { MaxPoolSize = 20 });

        var settings = new NpgsqlConnectionStringBuilder(direct.ConnectionString);

        Assert.Contains("-c idle_in_transaction_session_timeout=120000", settings.Options, StringComparison.Ordinal);
        Assert.Contains("-c temp_buffers=64MB", settings.Options, StringComparison.Ordinal);
        Assert.False(settings.NoResetOnClose);
    }
}
