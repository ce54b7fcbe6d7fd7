using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using LocalInfra;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Operations;

/// <summary>
/// Definitions that use ADR 0022's parts, through the real pieces: the operator's commands as processes, the admin API
/// and the site catalog of the app on a socket, against a central database of the test's own. A definition beyond v2 is
/// signed v3 only and still verifies once it has gone through the file, the signer, the publish, jsonb and the catalog;
/// a v1/v2 signature on one is refused; every broken rule comes back with its code; the catalog serves the new parts
/// and its ETag moves when one of them does.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class DefinitionsBeyondV2Tests(InfraFixture infra) : IAsyncLifetime
{
    private const string Stale = "c3RhbGU=";

    private readonly string _work = Directory.CreateTempSubdirectory("beyond-v2-").FullName;
    private OwnDatabase _database = null!;

    public async Task InitializeAsync() => _database = await OwnDatabase.CreateAsync(infra, "beyond");

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    /// <summary>An HTTP append list with a mask, a schedule and a view, its headers in an order jsonb does not keep, and a stale v1/v2 signature.</summary>
    private static string HttpListFile(string name) => $$"""
        {
          "name": "{{name}}",
          "version": 1,
          "description": "posições dos ônibus",
          "signature": "{{Stale}}",
          "signatureV2": "{{Stale}}",
          "mode": "append",
          "key": ["ordem", "lido_em"],
          "columns": [
            { "name": "ordem", "type": "text" },
            { "name": "latitude", "type": "numeric", "field": "posicao.latitude" },
            { "name": "lido_em", "type": "timestamptz", "field": "datahora", "format": "epoch-ms" },
            { "name": "motorista_cpf", "type": "text", "mask": { "kind": "hash" } }
          ],
          "source": {
            "kind": "http",
            "url": "https://dados.example.org/gps/{ibge}",
            "headers": { "X-Client-Name": "pec", "Accept": "application/json" },
            "secretHeaders": { "X-Api-Key": "gps_api_key" },
            "recordSelector": ["veiculos"],
            "paginator": { "type": "next-link", "nextLinkPath": ["links", "proxima"], "maxPages": 20 }
          },
          "schedule": { "everyMinutes": 1, "deliverEveryMinutes": 10 },
          "views": [
            { "name": "{{name}}_ultimas", "sql": "SELECT DISTINCT ON (site_id, ordem) site_id, ordem, latitude, lido_em FROM lists.{{name}} ORDER BY site_id, ordem, lido_em DESC" }
          ]
        }

        """;

    private Task<ProcessResult> Cli(string? signingKey, params string[] arguments) =>
        ProcessRunner.RunAsync(
            "dotnet",
            [RepoPaths.FunctionsDll, .. arguments],
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__Central"] = _database.ConnectionString,
                ["IngestStorage"] = infra.Azurite.ConnectionString,
                ["Lists__SigningPublicKey"] = signingKey,
            },
            timeout: TimeSpan.FromMinutes(2));

    private Task<InProcessApp> StartAppAsync(params string[] settings) =>
        InProcessApp.StartAsync(infra, [$"--ConnectionStrings:Central={_database.ConnectionString}", .. settings]);

    [Fact]
    public async Task A_definition_beyond_v2_is_signed_v3_only_in_place_and_its_signature_verifies_from_the_catalog_after_publish()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = Path.Combine(_work, "operator.pem");
        await File.WriteAllTextAsync(pem, key.ExportPkcs8PrivateKeyPem());
        var publicKey = ListDefinitionSignature.PublicKeyText(key);
        var file = Path.Combine(_work, "onibus_gps.json");
        var written = HttpListFile("onibus_gps");
        await File.WriteAllTextAsync(file, written);

        var signed = await Cli(null, "lists", "sign", "--file", file, "--private-key", pem);
        Assert.True(signed.ExitCode == 0, signed.Combined);
        Assert.Contains("v3 only", signed.StandardOutput, StringComparison.Ordinal);

        // The stale v1/v2 members are gone and signedAt/signatureV3 added at the end; every other byte is as written.
        var after = await File.ReadAllTextAsync(file);
        var kept = written.Replace($"  \"signature\": \"{Stale}\",\n", string.Empty, StringComparison.Ordinal)
            .Replace($"  \"signatureV2\": \"{Stale}\",\n", string.Empty, StringComparison.Ordinal).TrimEnd().TrimEnd('}').TrimEnd();
        Assert.StartsWith(kept, after, StringComparison.Ordinal);
        var members = JsonNode.Parse(after)!.AsObject();
        Assert.False(members.ContainsKey("signature"));
        Assert.False(members.ContainsKey("signatureV2"));
        Assert.NotNull(members["signatureV3"]);

        var published = await Cli(publicKey, "lists", "publish", "--file", file, "--activate", "true", "--as", "ana");
        Assert.True(published.ExitCode == 0, published.Combined);

        await using var app = await StartAppAsync();
        var served = (await CatalogAsync(app)).Lists.Single(l => l.Name == "onibus_gps");
        var spki = Convert.FromBase64String(publicKey);
        Assert.True(ListDefinitionSignature.VerifyV3(served, spki));
        Assert.Null(served.Signature);
        Assert.Null(served.SignatureV2);
        Assert.False(ListDefinitionSignature.VerifyV2(served, spki));
        Assert.Equal(LoadModes.Append, served.Mode);
        Assert.Equal(["Accept", "X-Client-Name"], served.Source!.Headers!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(MaskKinds.Hash, served.Columns.Single(c => c.Name == "motorista_cpf").Mask!.Kind);
        Assert.Equal(10, served.Schedule!.DeliverEveryMinutes);
        Assert.Equal("onibus_gps_ultimas", Assert.Single(served.Views!).Name);
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_views WHERE schemaname = 'lists' AND viewname = 'onibus_gps_ultimas'"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_v1_v2_signature_on_a_definition_beyond_v2_is_refused_with_signature_v3_required_key_or_no_key(bool withKey)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var app = await StartAppAsync(withKey ? [$"--Lists:SigningPublicKey={ListDefinitionSignature.PublicKeyText(key)}"] : []);
        var masked = new ListDefinitionDto(
            "cidadaos", 1, "SELECT id, cpf FROM tb_cidadao", [new ListColumnDto("id", "bigint"), new ListColumnDto("cpf", "text", Mask: new ColumnMaskDto(MaskKinds.Hash))], ["id"]);

        // What 'lists sign' before ADR 0022 made: v1 and v2, which cover neither the mask nor anything else of v3.
        var oldStyle = ListDefinitionSignature.SignBoth(masked, key, DateTimeOffset.UtcNow);
        using var response = await PostAsync(app, await AdminTokenAsync(), Body(oldStyle));

        var problem = await ProblemAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemCodes.BadListSignature, problem.Code);
        Assert.Equal([PublishCodes.SignatureV3Required], problem.Refusals);
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM ingest.list_definitions"));
    }

    [Fact]
    public async Task The_admin_API_names_every_broken_rule_with_its_code_and_answers_a_publish_with_the_definition_as_served()
    {
        await using var app = await StartAppAsync();
        var admin = await AdminTokenAsync();
        var broken = new ListDefinitionDto(
            "eventos", 1, "SELECT id, tipo FROM eventos", [new ListColumnDto("id", "bigint"), new ListColumnDto("tipo", "text")], [],
            Mode: LoadModes.Append, Schedule: new ScheduleDto(0), Views: [new DerivedViewDto("eventos_limpeza", "DELETE FROM lists.eventos")]);

        using (var refused = await PostAsync(app, admin, Body(broken)))
        {
            var problem = await ProblemAsync(refused);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal(ProblemCodes.BadListDefinition, problem.Code);
            Assert.Equal([PublishCodes.KeyRequired, PublishCodes.ScheduleInvalid, PublishCodes.ViewNotSelect], problem.Refusals.Order(StringComparer.Ordinal));
        }

        var good = broken with { Key = ["id"], Schedule = new ScheduleDto(5, DeliverEveryMinutes: 60), Views = [new DerivedViewDto("eventos_por_tipo", "SELECT tipo, count(*) AS n FROM lists.eventos GROUP BY tipo")] };
        using var created = await PostAsync(app, admin, Body(good with { Columns = [new ListColumnDto("id", "int8"), new ListColumnDto("tipo", "text")] }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(body["active"]!.GetValue<bool>());
        var definition = body["definition"]!.Deserialize<ListDefinitionDto>(JsonSerializerOptions.Web)!;
        Assert.Equal(LoadModes.Append, definition.Mode);
        Assert.Equal(60, definition.Schedule!.DeliverEveryMinutes);
        Assert.Equal("eventos_por_tipo", Assert.Single(definition.Views!).Name);
        Assert.Equal("bigint", definition.Columns[0].Type); // as served: normalised
    }

    [Fact]
    public async Task The_catalog_serves_the_new_parts_and_its_etag_changes_when_only_a_part_changes()
    {
        await using var app = await StartAppAsync();
        var admin = await AdminTokenAsync();
        var site = Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SiteTokens.AddSiteAsync(_database.DataSource, site, "Etag", default);
        var token = (await SiteTokens.IssueAsync(_database.DataSource, site, default)).Token;
        var v1 = new ListDefinitionDto(
            "leituras", 1, "SELECT id, lido_em FROM leituras", [new ListColumnDto("id", "bigint"), new ListColumnDto("lido_em", "timestamptz")], ["id"],
            Mode: LoadModes.Incremental, Incremental: new IncrementalDto("lido_em"), Schedule: new ScheduleDto(5));
        using (var first = await PostAsync(app, admin, Body(v1)))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        var (etag1, catalog1, _) = await CatalogWithEtagAsync(app, token, null);
        Assert.Equal(HttpStatusCode.NotModified, (await CatalogWithEtagAsync(app, token, etag1)).Status);
        var served = catalog1!.Lists.Single(l => l.Name == "leituras");
        Assert.Equal(("lido_em", 5), (served.Incremental!.CursorColumn, served.Schedule!.EveryMinutes));

        using (var second = await PostAsync(app, admin, Body(v1 with { Version = 2, Schedule = new ScheduleDto(10) })))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }

        var (etag2, catalog2, _) = await CatalogWithEtagAsync(app, token, etag1);
        Assert.NotEqual(etag1, etag2);
        Assert.Equal(10, catalog2!.Lists.Single(l => l.Name == "leituras").Schedule!.EveryMinutes);
    }

    [Fact]
    public async Task Publish_and_sign_commands_print_each_refusal_with_its_code()
    {
        var file = Path.Combine(_work, "sem_chave.json");
        await File.WriteAllTextAsync(file, """
            { "name": "sem_chave", "version": 1, "mode": "append", "sql": "SELECT 1 AS id", "key": [], "columns": [{ "name": "id", "type": "bigint" }] }
            """);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = Path.Combine(_work, "k.pem");
        await File.WriteAllTextAsync(pem, key.ExportPkcs8PrivateKeyPem());

        var published = await Cli(null, "lists", "publish", "--file", file);
        var signed = await Cli(null, "lists", "sign", "--file", file, "--private-key", pem);

        Assert.Equal(1, published.ExitCode);
        Assert.Contains($"[{PublishCodes.KeyRequired}] an append list needs a key", published.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, signed.ExitCode);
        Assert.Contains($"[{PublishCodes.KeyRequired}]", signed.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_new_members_of_a_publish()
    {
        await using var app = await StartAppAsync();
        using var document = JsonDocument.Parse(await app.Http.GetStringAsync(ApiRoutes.OpenApi));
        var schemaRef = document.RootElement.GetProperty("paths").GetProperty(ApiRoutes.AdminLists).GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        var schema = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(schemaRef.Split('/')[^1]);
        var properties = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(new HashSet<string>(StringComparer.Ordinal) { "mode", "source", "incremental", "schedule", "views", "signatureV3" }, properties);
    }

    private static object Body(ListDefinitionDto definition) => new
    {
        definition.Name,
        definition.Version,
        definition.Sql,
        definition.Columns,
        definition.Key,
        activate = true,
        definition.Signature,
        definition.SignedAt,
        definition.SignatureV2,
        definition.Mode,
        definition.Source,
        definition.Incremental,
        definition.Schedule,
        definition.Views,
        definition.SignatureV3,
    };

    private async Task<string> AdminTokenAsync() => (await SiteTokens.IssueAdminAsync(_database.DataSource, "joana", default)).Token;

    private static async Task<HttpResponseMessage> PostAsync(InProcessApp app, string admin, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.AdminLists) { Content = JsonContent.Create(body, options: JsonSerializerOptions.Web) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        return await app.Http.SendAsync(request);
    }

    private static async Task<(string Code, List<string> Refusals)> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(WireNames.ProblemMediaType, response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var refusals = problem[PublishCodes.ProblemMember]!.Deserialize<List<PublishRefusalDto>>(JsonSerializerOptions.Web)!;
        Assert.All(refusals, r => Assert.False(string.IsNullOrWhiteSpace(r.Detail)));
        return (problem["code"]!.GetValue<string>(), [.. refusals.Select(r => r.Code)]);
    }

    private async Task<ListCatalogDto> CatalogAsync(InProcessApp app)
    {
        var site = Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SiteTokens.AddSiteAsync(_database.DataSource, site, "Catálogo", default);
        var token = (await SiteTokens.IssueAsync(_database.DataSource, site, default)).Token;
        return (await CatalogWithEtagAsync(app, token, null)).Catalog!;
    }

    private static async Task<(string? Etag, ListCatalogDto? Catalog, HttpStatusCode Status)> CatalogWithEtagAsync(InProcessApp app, string token, string? ifNoneMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.Lists);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        using var response = await app.Http.SendAsync(request);
        var catalog = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ListCatalogDto) : null;
        return (response.Headers.ETag?.ToString(), catalog, response.StatusCode);
    }
}
