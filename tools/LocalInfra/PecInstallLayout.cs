using Npgsql;
using SyntheticPec;

namespace LocalInfra;

/// <summary>
/// A municipality's PEC server as `uploader install` finds it: PEC's own files where its installer puts them
/// (<c>e-SUS/webserver/config/application.properties</c> and <c>credenciais.txt</c>) and PEC's read-only role
/// <c>esus_leitura</c> in the municipality's database.
/// </summary>
public static class PecInstallLayout
{
    public const string ReadOnlyRole = "esus_leitura";
    public const string ReadOnlyPassword = "Leitura#2024";

    /// <summary>Creates the role and writes the files under <paramref name="directory"/>; returns the PEC root (<c>e-SUS</c>).</summary>
    public static async Task<string> CreateAsync(LocalPipeline pipeline, Municipality site, string directory, CancellationToken ct = default)
    {
        await using (var connection = new NpgsqlConnection(pipeline.Municipal.ConnectionString(site.Database)))
        {
            // Roles are per cluster: one pipeline's cluster holds one such installed municipality.
            await connection.OpenAsync(ct);
            await PecDatabase.CreateReadOnlyRoleAsync(connection, ReadOnlyRole, ReadOnlyPassword, ct);
        }

        var pecRoot = Path.Combine(directory, "e-SUS");
        var config = Path.Combine(pecRoot, "webserver", "config");
        Directory.CreateDirectory(config);
        await File.WriteAllTextAsync(Path.Combine(config, "application.properties"),
            $"spring.datasource.url=jdbc:postgresql://127.0.0.1:{pipeline.Municipal.Port}/{site.Database}\nspring.datasource.username=postgres\nspring.datasource.password=\n", ct);
        await File.WriteAllTextAsync(Path.Combine(config, "credenciais.txt"),
            $"Usuário: postgres\nSenha: \n\nUsuário de leitura: {ReadOnlyRole}\nSenha: {ReadOnlyPassword}\n", ct);
        return pecRoot;
    }
}
