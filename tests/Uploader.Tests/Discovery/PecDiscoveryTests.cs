using System.Text;
using PecLists.Uploader.Discovery;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Tests;

/// <summary>Auto-detection of the PEC connection from the files a PEC install leaves, laid out as on a real server.</summary>
public sealed class PecDiscoveryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pec-install-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Install(string? properties = null, string? credentials = null, Encoding? credentialsEncoding = null)
    {
        var config = Path.Combine(_root, "e-SUS", "webserver", "config");
        Directory.CreateDirectory(config);
        if (properties is not null)
        {
            File.WriteAllText(Path.Combine(config, "application.properties"), properties);
        }

        if (credentials is not null)
        {
            File.WriteAllBytes(Path.Combine(config, "credenciais.txt"), (credentialsEncoding ?? Encoding.UTF8).GetBytes(credentials));
        }

        return Path.Combine(_root, "e-SUS");
    }

    private const string Properties = """
        # PEC
        server.port=8080
        spring.datasource.url=jdbc:postgresql://localhost:5433/esus?ApplicationName=pec
        spring.datasource.username=postgres
        spring.datasource.password=s3nh4\:dono
        """;

    private const string Credentials = """
        Credenciais do banco de dados — guarde em local seguro
        Usuário administrador: postgres
        Senha: s3nh4:dono

        Usuário de leitura: esus_leitura
        Senha: Leitura#2024 ção
        """;

    [Fact]
    public void Prefers_the_read_only_role_with_the_address_from_application_properties()
    {
        var root = Install(Properties, Credentials);
        var notes = new List<string>();

        var found = PecDiscovery.Discover([root], pecConfigPath: null, notes);

        Assert.NotNull(found);
        Assert.Equal(("localhost", 5433, "esus", "esus_leitura", "Leitura#2024 ção"), (found.Host, found.Port, found.Database, found.Username, found.Password));
        Assert.Contains(notes, n => n.Contains("read-only role esus_leitura", StringComparison.Ordinal));
        Assert.DoesNotContain("Leitura#2024", found.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_a_latin1_credentials_file_from_an_older_windows_install()
    {
        var root = Install(Properties, Credentials, Encoding.Latin1);

        var found = PecDiscovery.Discover([root], null, []);

        Assert.Equal("Leitura#2024 ção", found!.Password);
    }

    [Fact]
    public void Falls_back_to_the_application_user_when_no_read_only_credentials_exist_and_says_so()
    {
        var root = Install(Properties);
        var notes = new List<string>();

        var found = PecDiscovery.Discover([root], null, notes);

        Assert.Equal(("postgres", "s3nh4:dono"), (found!.Username, found.Password));
        Assert.Contains(notes, n => n.Contains("pass --db \"Host=", StringComparison.Ordinal)); // install's option for a connection string
    }

    [Fact]
    public void Linux_pec_config_points_at_the_install_directory()
    {
        var root = Install(credentials: Credentials);
        var pecConfig = Path.Combine(_root, "pec.config");
        File.WriteAllText(pecConfig, $$"""
            {"directory": "{{root.Replace("\\", "\\\\", StringComparison.Ordinal)}}", "version": "5.2.38", "databaseUrl": "jdbc:postgresql://127.0.0.1:5433/esus",
             "databaseUsername": "postgres", "databasePassword": "x", "jreDirectory": "/opt/e-SUS/jre"}
            """);

        var found = PecDiscovery.Discover([], pecConfig, []);

        Assert.Equal(("127.0.0.1", 5433, "esus_leitura"), (found!.Host, found.Port, found.Username));
    }

    [Fact]
    public void In_Portuguese_the_notes_say_where_the_settings_came_from_in_Portuguese()
    {
        var root = Install(Properties, Credentials);
        var notes = new List<string>();
        var nothing = new List<string>();

        using (Localized.Use(Language.Portuguese))
        {
            Assert.NotNull(PecDiscovery.Discover([root], pecConfigPath: null, notes));
            Assert.Null(PecDiscovery.Discover([Path.Combine(_root, "nowhere")], Path.Combine(_root, "missing.config"), nothing));
        }

        var credentials = Path.Combine(root, "webserver", "config", "credenciais.txt");
        Assert.Equal(
            [$"{Path.Combine(root, "webserver", "config", "application.properties")}: banco de dados localhost:5433/esus", $"usando o usuário somente leitura esus_leitura (senha lida de {credentials})"],
            notes);
        Assert.Equal(["configurações de conexão do PEC não encontradas (procurado em /etc/pec.config e <instalação>/webserver/config/application.properties)"], nothing);
        Assert.DoesNotContain(notes, n => n.Contains("Leitura#2024", StringComparison.Ordinal));
    }

    [Fact]
    public void Nothing_found_is_reported_not_guessed()
    {
        var notes = new List<string>();

        Assert.Null(PecDiscovery.Discover([Path.Combine(_root, "nowhere")], Path.Combine(_root, "missing.config"), notes));
        Assert.Contains(notes, n => n.Contains("no PEC connection settings found", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("jdbc:postgresql://localhost:5433/esus", "localhost", 5433, "esus")]
    [InlineData("jdbc:postgresql://db.municipio.local/esus?ssl=false", "db.municipio.local", 5432, "esus")]
    [InlineData("  JDBC:POSTGRESQL://10.0.0.5:5432/esus_prod  ", "10.0.0.5", 5432, "esus_prod")]
    public void Parses_jdbc_urls(string url, string host, int port, string database) =>
        Assert.Equal(new PecDiscovery.JdbcTarget(host, port, database), PecDiscovery.ParseJdbcUrl(url));

    [Theory]
    [InlineData(null)]
    [InlineData("jdbc:mysql://localhost/esus")]
    [InlineData("jdbc:postgresql://localhost:5433/")]
    public void Refuses_other_urls(string? url) => Assert.Null(PecDiscovery.ParseJdbcUrl(url));

    [Fact]
    public void Java_properties_escapes_and_comments_are_honoured()
    {
        var values = PecDiscovery.ParseProperties("# c\n! c\na.b = x\\:y\nc: d\n\n");

        Assert.Equal("x:y", values["a.b"]);
        Assert.Equal("d", values["c"]);
        Assert.Equal(2, values.Count);
    }
}
