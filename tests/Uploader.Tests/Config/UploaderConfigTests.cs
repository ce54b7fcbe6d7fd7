using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Tests;

public sealed class UploaderConfigTests : IDisposable
{
    private const string EndpointProblem = "'endpoint'";
    private const string SitesProblem = "'sites'";
    private const string ConnectionProblem = "'database.connectionString'";
    private const string ProxyProblem = "'upload.proxy' must be \"direct\" or a proxy's http:// address: http://host:port, or http://user:password@host:port with special characters percent-encoded (@ as %40)";
    private const string ProxyProblemInPortuguese = "'upload.proxy' deve ser \"direct\" ou o endereço http:// de um proxy: http://host:porta, ou http://usuário:senha@host:porta com os caracteres especiais codificados com % (@ como %40)";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string json)
    {
        var path = _dir.Combine($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string Config(string endpoint = "\"https://ingest.example.org\"", string sites = "[ { \"ibge\": \"2304400\", \"token\": \"tok-1\" } ]", string database = "{ \"connectionString\": \"Host=pec;Database=esus;Username=esus_leitura\" }") =>
        $$"""
        {
          "endpoint": {{endpoint}},
          "sites": {{sites}},
          "database": {{database}},
          "listSigningKey": "{{TestSigning.PublicKey}}"
        }
        """;

    private ConfigException LoadFails(string json)
    {
        var path = Write(json);
        var ex = Assert.Throws<ConfigException>(() => UploaderConfig.Load(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        return ex;
    }

    [Fact]
    public void Secrets_and_http_settings_are_read_by_name_and_absent_ones_take_the_defaults()
    {
        var withSecrets = Config().Replace("\"listSigningKey\"", "\"secrets\": { \"brt-key\": \"k-123\" }, \"http\": { \"maxAttempts\": 2, \"maxRetryAfterSeconds\": 30 }, \"listSigningKey\"", StringComparison.Ordinal);

        var config = UploaderConfig.Load(Write(withSecrets));
        var plain = UploaderConfig.Load(Write(Config()));

        Assert.Equal("k-123", config.Secrets!["brt-key"]);
        Assert.Equal((2, 30.0, 1.0), (config.Http!.MaxAttempts, config.Http.MaxRetryAfterSeconds, config.Http.FirstRetryDelaySeconds));
        Assert.Null(plain.Secrets);
        Assert.Null(plain.Http);
    }

    [Fact]
    public void An_empty_secret_or_zero_http_attempts_are_config_problems_that_never_quote_a_secret()
    {
        var bad = Config().Replace("\"listSigningKey\"", "\"secrets\": { \"brt-key\": \"\", \"other\": \"valor-secreto\" }, \"http\": { \"maxAttempts\": 0 }, \"listSigningKey\"", StringComparison.Ordinal);

        var ex = LoadFails(bad);

        Assert.Contains("'secrets' holds an empty value", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'http.maxAttempts' must be at least 1", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("valor-secreto", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 60)]
    [InlineData(5, 5)]
    public void The_schedule_minute_is_a_real_minute_unless_watch_minute_seconds_shortens_it(int? minuteSeconds, int expectedSeconds)
    {
        var json = minuteSeconds is { } seconds ? Config().Replace("\"listSigningKey\"", $"\"watch\": {{ \"minuteSeconds\": {seconds} }}, \"listSigningKey\"", StringComparison.Ordinal) : Config();

        var config = UploaderConfig.Load(Write(json));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), config.ScheduleMinute);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(61)]
    public void A_schedule_minute_outside_1_to_60_seconds_is_a_config_problem(int minuteSeconds)
    {
        var ex = LoadFails(Config().Replace("\"listSigningKey\"", $"\"watch\": {{ \"minuteSeconds\": {minuteSeconds} }}, \"listSigningKey\"", StringComparison.Ordinal));

        Assert.Contains("'watch.minuteSeconds' must be 1 to 60", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        var path = _dir.Combine("nowhere", "config.json");

        var ex = Assert.Throws<ConfigException>(() => UploaderConfig.Load(path));

        Assert.Contains("not found", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_json_says_so_and_gives_the_line()
    {
        var ex = LoadFails("{\n  \"endpoint\": \"https://x.example\",\n  \"sites\": [ oops ]\n}\n");

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_Portuguese_a_missing_file_says_so_in_Portuguese_and_names_the_path()
    {
        var path = _dir.Combine("nowhere", "config.json");

        ConfigException ex;
        using (Localized.Use(Language.Portuguese))
        {
            ex = Assert.Throws<ConfigException>(() => UploaderConfig.Load(path));
        }

        Assert.Equal($"Arquivo de configuração não encontrado: {path}. Execute 'uploader install' primeiro ou informe --config.", ex.Message);
    }

    [Fact]
    public void In_Portuguese_bad_json_says_so_in_Portuguese_with_the_line()
    {
        var path = Write("{\n  \"endpoint\": \"https://x.example\",\n  \"sites\": [ oops ]\n}\n");

        ConfigException ex;
        using (Localized.Use(Language.Portuguese))
        {
            ex = Assert.Throws<ConfigException>(() => UploaderConfig.Load(path));
        }

        Assert.Equal($"O arquivo de configuração {path} não é um JSON válido (linha 3): corrija-o ou execute 'uploader install' novamente.", ex.Message);
    }

    [Fact]
    public void In_Portuguese_every_problem_is_in_Portuguese_and_the_config_keys_stay_as_written()
    {
        var path = Write("{}");

        ConfigException ex;
        using (Localized.Use(Language.Portuguese))
        {
            ex = Assert.Throws<ConfigException>(() => UploaderConfig.Load(path));
        }

        Assert.StartsWith($"Arquivo de configuração {path}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'endpoint' deve ser o endereço https:// do servidor central", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'sites' precisa de pelo menos uma entrada com o código 'ibge' de 7 dígitos e o seu 'token'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'database.connectionString' está vazio", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_value_type_is_reported_as_bad_json()
    {
        var ex = LoadFails(Config(database: "{ \"connectionString\": \"x\", \"statementTimeoutSeconds\": \"soon\" }"));

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"ingest.example.org\"")]
    [InlineData("\"ftp://ingest.example.org\"")]
    public void Missing_or_bad_endpoint_is_named(string endpoint)
    {
        var ex = LoadFails(Config(endpoint: endpoint));

        Assert.Contains(EndpointProblem, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SitesProblem, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ConnectionProblem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Absent_endpoint_is_named()
    {
        var ex = LoadFails("""{ "sites": [ { "ibge": "2304400", "token": "t" } ], "database": { "connectionString": "Host=x" } }""");

        Assert.Contains(EndpointProblem, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[ { \"ibge\": \"230440\", \"token\": \"t\" } ]")]
    [InlineData("[ { \"ibge\": \"2304400\" } ]")]
    [InlineData("[ { \"ibge\": \"2304400\", \"token\": \"  \" } ]")]
    [InlineData("[ { \"ibge\": \"2304400\", \"token\": \"t\" }, { \"token\": \"t\" } ]")]
    [InlineData("[ null ]")]
    public void Missing_or_bad_sites_are_named(string sites)
    {
        var ex = LoadFails(Config(sites: sites));

        Assert.Contains(SitesProblem, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(EndpointProblem, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ConnectionProblem, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{ \"connectionString\": \"   \" }")]
    public void Missing_connection_string_is_named(string database)
    {
        var ex = LoadFails(Config(database: database));

        Assert.Contains(ConnectionProblem, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(EndpointProblem, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SitesProblem, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("null")]
    public void An_empty_config_names_every_problem(string json)
    {
        var ex = LoadFails(json);

        Assert.Contains(EndpointProblem, ex.Message, StringComparison.Ordinal);
        Assert.Contains(SitesProblem, ex.Message, StringComparison.Ordinal);
        Assert.Contains(ConnectionProblem, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Nulls where the types say non-null used to crash Validate (or RunCommand later) with a NullReferenceException.</summary>
    [Theory]
    [InlineData("\"endpoint\": null", 2)]
    [InlineData("\"sites\": null", 3)]
    [InlineData("\"sites\": [ { \"ibge\": null, \"token\": \"t\" } ]", 3)]
    [InlineData("\"sites\": [ { \"ibge\": \"2304400\", \"token\": null } ]", 3)]
    [InlineData("\"database\": null", 4)]
    [InlineData("\"database\": { \"connectionString\": null }", 4)]
    [InlineData("\"lists\": null", 5)]
    [InlineData("\"spoolDirectory\": null", 5)]
    [InlineData("\"upload\": null", 5)]
    public void A_null_setting_is_a_config_error_on_its_line(string nullSetting, int line)
    {
        var settings = new Dictionary<string, string>
        {
            ["endpoint"] = "\"endpoint\": \"https://ingest.example.org\"",
            ["sites"] = "\"sites\": [ { \"ibge\": \"2304400\", \"token\": \"t\" } ]",
            ["database"] = "\"database\": { \"connectionString\": \"Host=x\" }",
            ["extra"] = "\"lists\": []",
            ["key"] = $"\"listSigningKey\": \"{TestSigning.PublicKey}\"",
        };
        var key = nullSetting.Split('"')[1] is "endpoint" or "sites" or "database" ? nullSetting.Split('"')[1] : "extra";
        settings[key] = nullSetting;
        var json = "{\n  " + string.Join(",\n  ", settings.Values) + "\n}\n";

        var ex = LoadFails(json);

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line})", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_good_file_loads_with_comments_and_trailing_commas()
    {
        var path = Write("""
            // Written by 'uploader install'.
            {
              /* the backend */
              "endpoint": "https://ingest.example.org/",
              "sites": [
                { "ibge": "2304400", "token": "tok-fortaleza", },
                { "ibge": "2611606", "token": "tok-recife" }, // second site
              ],
              "database": { "connectionString": "Host=pec;Database=esus;Username=esus_leitura", "statementTimeoutSeconds": 600, },
              "lists": [ "hipertensos", ],
              "spoolDirectory": "/tmp/spool-x",
              "upload": { "maxAttempts": 3, "firstRetryDelaySeconds": 0.5, "attemptTimeoutSeconds": 60, },
              "listSigningKey": "KEY",
            }
            """.Replace("KEY", TestSigning.PublicKey, StringComparison.Ordinal));

        var config = UploaderConfig.Load(path);

        Assert.Equal("https://ingest.example.org/", config.Endpoint);
        Assert.Equal(["2304400", "2611606"], config.Sites.Select(s => s.Ibge));
        Assert.Equal(["tok-fortaleza", "tok-recife"], config.Sites.Select(s => s.Token));
        Assert.Equal("Host=pec;Database=esus;Username=esus_leitura", config.Database.ConnectionString);
        Assert.Equal(600, config.Database.StatementTimeoutSeconds);
        Assert.Equal(["hipertensos"], config.Lists);
        Assert.Equal("/tmp/spool-x", config.SpoolDirectory);
        Assert.Equal(3, config.Upload.MaxAttempts);
        Assert.Equal(0.5, config.Upload.FirstRetryDelaySeconds);
        Assert.Equal(60, config.Upload.AttemptTimeoutSeconds);
    }

    [Fact]
    public void Omitted_optional_settings_take_their_defaults()
    {
        var config = UploaderConfig.Load(Write(Config()));

        Assert.Empty(config.Lists);
        Assert.Equal(DefaultPaths.SpoolDirectory, config.SpoolDirectory);
        Assert.Equal(1800, config.Database.StatementTimeoutSeconds);
        Assert.Equal(6, config.Upload.MaxAttempts);
        Assert.Equal(2, config.Upload.FirstRetryDelaySeconds);
        Assert.Equal(300, config.Upload.AttemptTimeoutSeconds);
        Assert.Null(config.Upload.Proxy); // the system's proxy, as before the setting existed
    }

    private static string WithProxy(string proxyJson) =>
        Config().TrimEnd().TrimEnd('}') + $",\n  \"upload\": {{ \"proxy\": {proxyJson} }}\n}}\n";

    [Theory]
    [InlineData("\"ftp://x\"")]
    [InlineData("\"not a url\"")]
    [InlineData("\"\"")]
    [InlineData("\"https://ti:s3cret@proxy.prefeitura.local:3128\"")]
    [InlineData("\"http://ti:s3cret@proxy.prefeitura.local:3128/some/path\"")]
    public void A_proxy_neither_direct_nor_an_http_address_is_named_in_English_and_in_Portuguese_without_quoting_it(string proxy)
    {
        var english = LoadFails(WithProxy(proxy));
        ConfigException portuguese;
        using (Localized.Use(Language.Portuguese))
        {
            portuguese = LoadFails(WithProxy(proxy));
        }

        Assert.EndsWith(ProxyProblem, english.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(EndpointProblem, english.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SitesProblem, english.Message, StringComparison.Ordinal);
        Assert.EndsWith(ProxyProblemInPortuguese, portuguese.Message, StringComparison.Ordinal);
        Assert.StartsWith("Arquivo de configuração ", portuguese.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", english.Message + portuguese.Message, StringComparison.Ordinal); // may be a password
    }

    [Theory]
    [InlineData("direct")]
    [InlineData("http://proxy.prefeitura.local:3128")]
    [InlineData("http://ti:s%40nha@10.0.0.1:8080")]
    public void Direct_or_an_http_proxy_address_loads_as_written(string proxy)
    {
        var config = UploaderConfig.Load(Write(WithProxy($"\"{proxy}\"")));

        Assert.Equal(proxy, config.Upload.Proxy);
    }

    [Fact]
    public void A_negative_block_upload_threshold_is_a_config_problem_and_zero_sends_everything_in_blocks()
    {
        var config = new UploaderConfig
        {
            Endpoint = "http://127.0.0.1:7071",
            Sites = [new SiteConfig { Ibge = "2304400", Token = "t" }],
            Database = new DatabaseConfig { ConnectionString = "Host=x" },
            ListSigningKey = TestSigning.PublicKey,
            Upload = new UploadConfig { BlockUploadAboveBytes = 0 },
        };
        Assert.Empty(config.Validate());

        config.Upload.BlockUploadAboveBytes = -1;
        Assert.Contains(config.Validate(), p => p.Contains("'upload.blockUploadAboveBytes' must not be negative", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_accepts_a_complete_config_and_lists_each_problem_once()
    {
        var good = new UploaderConfig
        {
            Endpoint = "http://127.0.0.1:7071",
            Sites = [new SiteConfig { Ibge = "2304400", Token = "t" }],
            Database = new DatabaseConfig { ConnectionString = "Host=x" },
            ListSigningKey = TestSigning.PublicKey,
        };
        Assert.Empty(good.Validate());

        var problems = new UploaderConfig().Validate();
        Assert.Equal(4, problems.Count);
        Assert.Single(problems, p => p.Contains("'listSigningKey' is missing", StringComparison.Ordinal));
        Assert.Single(problems, p => p.Contains(EndpointProblem, StringComparison.Ordinal));
        Assert.Single(problems, p => p.Contains(SitesProblem, StringComparison.Ordinal));
        Assert.Single(problems, p => p.Contains(ConnectionProblem, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_or_wrong_list_signing_key_is_a_config_error_in_both_languages()
    {
        var missing = new UploaderConfig { Endpoint = "http://127.0.0.1:7071", Sites = [new SiteConfig { Ibge = "2304400", Token = "t" }], Database = new DatabaseConfig { ConnectionString = "Host=x" } };
        var wrong = new UploaderConfig { Endpoint = missing.Endpoint, Sites = missing.Sites, Database = missing.Database, ListSigningKey = "bm90IGEga2V5" };

        Assert.Contains(missing.Validate(), p => p.Contains("'listSigningKey' is missing", StringComparison.Ordinal) && p.Contains("--list-signing-key", StringComparison.Ordinal));
        Assert.Contains(wrong.Validate(), p => p.Contains("'listSigningKey' is not an ECDSA P-256 public key", StringComparison.Ordinal));
        using (Localized.Use(Language.Portuguese))
        {
            Assert.Contains(missing.Validate(), p => p.Contains("'listSigningKey' não está definido", StringComparison.Ordinal));
            Assert.Contains(wrong.Validate(), p => p.Contains("não é uma chave pública ECDSA P-256", StringComparison.Ordinal));
        }
    }
    [Theory]
    [InlineData("http://ingest.example.org")]
    [InlineData("http://10.0.0.5:7071")]
    [InlineData("HTTP://Ingest.Example.Org/api")]
    [InlineData("http://[2001:db8::1]:7071")]
    public void A_clear_text_endpoint_to_another_machine_is_refused_in_both_languages(string endpoint)
    {
        var ex = LoadFails(Config(endpoint: $"\"{endpoint}\""));

        Assert.Contains("'endpoint' must be the backend's https:// address, not http://: the site token and the lists' personal data would travel in clear", ex.Message, StringComparison.Ordinal);
        using (Localized.Use(Language.Portuguese))
        {
            Assert.Contains(
                "'endpoint' deve ser o endereço https:// do servidor central, não http://: o token do município e os dados pessoais das listas trafegariam sem criptografia",
                LoadFails(Config(endpoint: $"\"{endpoint}\"")).Message,
                StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:7071")]
    [InlineData("http://127.8.9.10:7071")]
    [InlineData("http://[::1]:7071")]
    [InlineData("http://localhost:7071")]
    [InlineData("http://LOCALHOST:7071/")]
    [InlineData("https://ingest.example.org")]
    public void Https_or_http_to_this_machine_is_accepted(string endpoint)
    {
        var config = UploaderConfig.Load(Write(Config(endpoint: $"\"{endpoint}\"")));

        Assert.Equal(endpoint, config.Endpoint);
    }
}
