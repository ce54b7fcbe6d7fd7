using Azure.Core;
using LocalInfra;
using Microsoft.Extensions.Configuration;
using Npgsql;
using PecLists.Functions.Data;

namespace PecLists.Functions.Tests.Data;

/// <summary>
/// With Database:Authentication=entra the central data source signs in with a token from Azure.Identity as the password
/// (Npgsql's periodic password provider), for the PostgreSQL scope. Proven on a real server that checks passwords for one
/// throwaway role: the fake credential's token is that role's password, and the connection string carries none.
/// </summary>
public sealed class EntraPasswordProviderTests : IAsyncLifetime
{
    private const string Role = "entra_app";
    private readonly string _password = "tok-" + Guid.NewGuid().ToString("N");
    private PostgresServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync();
        await using (var admin = new NpgsqlConnection(_server.ConnectionString()))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"SET password_encryption = 'scram-sha-256'; CREATE ROLE {Role} LOGIN PASSWORD '{_password}'", admin);
            await create.ExecuteNonQueryAsync();

            // Trust for everyone else (the cluster's default), a password for this role: its line goes first.
            var hba = Path.Combine(_server.DataDirectory, "pg_hba.conf");
            await File.WriteAllTextAsync(hba, $"host all {Role} 127.0.0.1/32 scram-sha-256\n" + await File.ReadAllTextAsync(hba));
            await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", admin);
            await reload.ExecuteScalarAsync();
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_token_is_the_password()
    {
        var credential = new FakeCredential(_password);
        await using var dataSource = CentralDatabase.Create(Configuration(), database: Entra(), credential: credential);

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var whoami = new NpgsqlCommand("SELECT current_user", connection);

        Assert.Equal(Role, await whoami.ExecuteScalarAsync());
        Assert.Equal([CentralDatabase.EntraScope], credential.Scopes.Distinct());
    }

    [Fact]
    public async Task A_wrong_token_is_refused_by_the_server()
    {
        await using var dataSource = CentralDatabase.Create(Configuration(), database: Entra(), credential: new FakeCredential("not-the-password"));

        var refused = await Assert.ThrowsAsync<PostgresException>(async () => await dataSource.OpenConnectionAsync());

        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    [Fact]
    public async Task Without_entra_the_role_has_no_password_and_is_refused()
    {
        // The provider is what supplies the password: the same connection string on its own does not get in.
        await using var dataSource = CentralDatabase.Create(Configuration());

        await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await dataSource.OpenConnectionAsync());
    }

    private static DatabaseOptions Entra() => new() { Authentication = DatabaseOptions.EntraAuthentication };

    private IConfiguration Configuration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Central"] = $"Host=127.0.0.1;Port={_server.Port};Database=postgres;Username={Role}",
    }).Build();

    private sealed class FakeCredential(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.AddRange(requestContext.Scopes);
            }

            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
