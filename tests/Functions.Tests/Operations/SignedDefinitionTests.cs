using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using LocalInfra;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Operations;

/// <summary>
/// Signed list definitions and operator accountability against the real central database: the operator's offline
/// commands (keygen, sign) and publish as real processes, the admin API with a configured signing key, revoking
/// operator tokens, and the audit. Versions are published inactive, so the lists other tests serve do not change.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class SignedDefinitionTests(InfraFixture infra) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("signed-definitions-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static string NewListName() => $"assinada_{Guid.NewGuid():N}"[..30];

    private Dictionary<string, string?> Environment(string? signingKey) => new()
    {
        ["ConnectionStrings__Central"] = infra.CentralConnection,
        ["IngestStorage"] = infra.Azurite.ConnectionString,
        ["Lists__SigningPublicKey"] = signingKey,
    };

    private Task<ProcessResult> Cli(string? signingKey, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [RepoPaths.FunctionsDll, .. arguments], Environment(signingKey), timeout: TimeSpan.FromMinutes(2));

    /// <summary>A definition file as an operator writes it: SQL beside it, a PostgreSQL type alias (int4) the backend normalises.</summary>
    private string WriteDefinition(string name)
    {
        File.WriteAllText(Path.Combine(_work, name + ".sql"), "SELECT 1::int4 AS id, 'x'::text AS nome, now() AS extraido_em\n");
        var path = Path.Combine(_work, name + ".json");
        File.WriteAllText(path, $$"""
            {
              "name": "{{name}}",
              "version": 1,
              "description": "signed test list",
              "key": ["id"],
              "columns": [
                { "name": "id", "type": "int4" },
                { "name": "nome", "type": "text" },
                { "name": "extraido_em", "type": "timestamptz", "compare": false }
              ],
              "sqlFile": "{{name}}.sql"
            }
            """);
        return path;
    }

    private async Task<ListDefinitionDto?> StoredAsync(string name)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<(string Name, int Version, string Sql, string Columns, string[] Key, string? Signature)?>(
            "SELECT name, version, sql, columns::text, key_columns, signature FROM ingest.list_definitions WHERE name = @name", new { name });
        return row is { } r
            ? new ListDefinitionDto(r.Name, r.Version, r.Sql, JsonSerializer.Deserialize<List<ListColumnDto>>(r.Columns, JsonSerializerOptions.Web)!, r.Key, r.Signature)
            : null;
    }

    private async Task<List<(string Actor, string Action, string Target, string Detail)>> AuditAsync(string target)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return [.. await connection.QueryAsync<(string, string, string, string)>(
            "SELECT actor, action, target, detail::text FROM ingest.operator_audit WHERE target LIKE @target ORDER BY audit_id", new { target })];
    }

    [Fact]
    public async Task Keygen_sign_and_publish_store_a_signature_that_verifies_on_the_normalised_definition_as_served_and_record_who_did_it()
    {
        var keys = Path.Combine(_work, "keys");
        var keygen = await Cli(null, "lists", "keygen", "--out", keys);
        Assert.True(keygen.ExitCode == 0, keygen.Combined);
        var publicKey = keygen.StandardOutput.Trim();
        var privateKey = Path.Combine(keys, "list-signing-key.pem");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateKey));
        }

        Assert.Equal(publicKey, ListDefinitionSignature.PublicKeyText(PemKey(Path.Combine(keys, "list-signing-key.pub.pem"))));
        Assert.Contains(ListDefinitionSignature.KeyId(Convert.FromBase64String(publicKey)), keygen.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, (await Cli(null, "lists", "keygen", "--out", keys)).ExitCode); // never overwrites a key by accident

        var name = NewListName();
        var file = WriteDefinition(name);
        var before = await File.ReadAllTextAsync(file);
        var signed = await Cli(null, "lists", "sign", "--file", file, "--private-key", privateKey);
        Assert.True(signed.ExitCode == 0, signed.Combined);
        var after = await File.ReadAllTextAsync(file);
        Assert.Equal(before.TrimEnd().TrimEnd('}').TrimEnd(), after[..before.TrimEnd().TrimEnd('}').TrimEnd().Length]); // only "signature" was added
        Assert.NotNull(JsonNode.Parse(after)!["signature"]);

        var published = await Cli(publicKey, "lists", "publish", "--file", file, "--activate", "false", "--as", "maria");
        Assert.True(published.ExitCode == 0, published.Combined);

        var stored = await StoredAsync(name);
        Assert.NotNull(stored);
        Assert.Equal("integer", stored.Columns[0].Type); // served normalised, and the signature covers that form
        Assert.True(ListDefinitionSignature.Verify(stored, Convert.FromBase64String(publicKey)));
        Assert.Contains(await AuditAsync($"{name} v1"), a => a is ("cli:maria", "list-publish", _, _));

        var activated = await Cli(publicKey, "lists", "activate", "--name", name, "--version", "1", "--as", "maria");
        Assert.True(activated.ExitCode == 0, activated.Combined);
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            Assert.Equal(("cli:maria", "cli:maria"), await connection.QuerySingleAsync<(string, string)>(
                "SELECT published_by, activated_by FROM ingest.list_definitions WHERE name = @name", new { name }));
            await connection.ExecuteAsync("UPDATE ingest.list_definitions SET is_active = false WHERE name = @name", new { name });
        }

        Assert.Contains(await AuditAsync($"{name} v1"), a => a is ("cli:maria", "list-activate", _, _));
    }

    [Fact]
    public async Task With_a_signing_key_configured_publish_refuses_unsigned_tampered_and_foreign_definitions_and_says_why()
    {
        using var operatorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = ListDefinitionSignature.PublicKeyText(operatorKey);
        var pem = Path.Combine(_work, "operator.pem");
        await File.WriteAllTextAsync(pem, operatorKey.ExportPkcs8PrivateKeyPem());
        using var strangerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var strangerPem = Path.Combine(_work, "stranger.pem");
        await File.WriteAllTextAsync(strangerPem, strangerKey.ExportPkcs8PrivateKeyPem());

        var unsigned = WriteDefinition(NewListName());
        var refusedUnsigned = await Cli(publicKey, "lists", "publish", "--file", unsigned, "--activate", "false");
        Assert.Equal(3, refusedUnsigned.ExitCode);
        Assert.Contains("is not signed", refusedUnsigned.StandardError, StringComparison.Ordinal);

        var tamperedName = NewListName();
        var tampered = WriteDefinition(tamperedName);
        Assert.Equal(0, (await Cli(null, "lists", "sign", "--file", tampered, "--private-key", pem)).ExitCode);
        await File.AppendAllTextAsync(Path.Combine(_work, tamperedName + ".sql"), "UNION ALL SELECT 2, 'y', now()\n");
        var refusedTampered = await Cli(publicKey, "lists", "publish", "--file", tampered, "--activate", "false");
        Assert.Equal(3, refusedTampered.ExitCode);
        Assert.Contains("does not verify with key " + ListDefinitionSignature.KeyId(Convert.FromBase64String(publicKey)), refusedTampered.StandardError, StringComparison.Ordinal);

        var foreign = WriteDefinition(NewListName());
        Assert.Equal(0, (await Cli(null, "lists", "sign", "--file", foreign, "--private-key", strangerPem)).ExitCode);
        Assert.Equal(3, (await Cli(publicKey, "lists", "publish", "--file", foreign, "--activate", "false")).ExitCode);

        Assert.Null(await StoredAsync(Path.GetFileNameWithoutExtension(unsigned)));
        Assert.Null(await StoredAsync(tamperedName));
        Assert.Null(await StoredAsync(Path.GetFileNameWithoutExtension(foreign)));
    }

    [Fact]
    public async Task A_re_signed_version_is_served_with_its_newer_signing_time_and_an_older_signature_published_after_it_does_not_bring_the_old_time_back()
    {
        var keys = Path.Combine(_work, "keys-resign");
        var keygen = await Cli(null, "lists", "keygen", "--out", keys);
        Assert.True(keygen.ExitCode == 0, keygen.Combined);
        var publicKey = keygen.StandardOutput.Trim();
        var privateKey = Path.Combine(keys, "list-signing-key.pem");
        var name = NewListName();
        var first = WriteDefinition(name);
        Assert.Equal(0, (await Cli(null, "lists", "sign", "--file", first, "--private-key", privateKey)).ExitCode);
        Assert.Equal(0, (await Cli(publicKey, "lists", "publish", "--file", first, "--activate", "false")).ExitCode);
        var firstAt = (await DatedAsync(name)).SignedAt;

        // The same content signed again a second later (the time has second precision), as a yearly re-sign does.
        var second = Path.Combine(_work, $"{name}-again.json");
        File.Copy(first, second);
        // Until the clock reaches the next second, which the re-sign then stamps (at most a second away).
        await Eventually.UntilAsync(
            () => DateTimeOffset.UtcNow, now => now.ToUnixTimeSeconds() > firstAt!.Value.ToUnixTimeSeconds(), TimeSpan.FromSeconds(30),
            $"the clock to pass the first signing second ({firstAt:O})", TimeSpan.FromMilliseconds(50), now => now.ToString("O"));
        Assert.Equal(0, (await Cli(null, "lists", "sign", "--file", second, "--private-key", privateKey)).ExitCode);
        Assert.Equal(0, (await Cli(publicKey, "lists", "publish", "--file", second, "--activate", "false")).ExitCode);
        var resigned = await DatedAsync(name);
        Assert.True(resigned.SignedAt > firstAt, $"{resigned.SignedAt:O} is not after {firstAt:O}");
        Assert.True(ListDefinitionSignature.VerifyV2(resigned, Convert.FromBase64String(publicKey)));

        Assert.Equal(0, (await Cli(publicKey, "lists", "publish", "--file", first, "--activate", "false")).ExitCode);
        Assert.Equal(resigned.SignedAt, (await DatedAsync(name)).SignedAt);
    }

    private async Task<ListDefinitionDto> DatedAsync(string name)
    {
        var stored = (await StoredAsync(name))!;
        await using var connection = await infra.Database.OpenConnectionAsync();
        var (signedAt, signature) = await connection.QuerySingleAsync<(DateTime SignedAt, string SignatureV2)>(
            "SELECT signed_at, signature_v2 FROM ingest.list_definitions WHERE name = @name", new { name });
        return stored with { SignedAt = new DateTimeOffset(DateTime.SpecifyKind(signedAt, DateTimeKind.Utc)), SignatureV2 = signature };
    }

    [Fact]
    public async Task The_admin_API_accepts_a_signed_definition_refuses_others_with_bad_list_signature_and_records_the_operator()
    {
        using var operatorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var app = await InProcessApp.StartAsync(infra, $"--Lists:SigningPublicKey={ListDefinitionSignature.PublicKeyText(operatorKey)}");
        var admin = (await SiteTokens.IssueAdminAsync(infra.Database, "joana", CancellationToken.None)).Token;
        var name = NewListName();
        var columns = new[] { new ListColumnDto("id", "int4"), new ListColumnDto("nome", "character varying") };
        var served = new ListDefinitionDto(name, 1, "SELECT 1 AS id, 'x' AS nome", [new ListColumnDto("id", "integer"), new ListColumnDto("nome", "text")], ["id"]);
        var signature = ListDefinitionSignature.Sign(served, operatorKey);

        async Task<HttpResponseMessage> Publish(string? sig, string sql = "SELECT 1 AS id, 'x' AS nome")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.AdminLists)
            {
                Content = JsonContent.Create(new { name, version = 1, sql, columns, key = new[] { "id" }, activate = false, signature = sig }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            return await app.Http.SendAsync(request);
        }

        using (var unsigned = await Publish(null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
            Assert.Contains("\"bad-list-signature\"", await unsigned.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var tampered = await Publish(signature, "SELECT 2 AS id, 'x' AS nome"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
            Assert.Contains("does not verify", await tampered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Null(await StoredAsync(name));
        using (var good = await Publish(signature))
        {
            Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        }

        Assert.True(ListDefinitionSignature.Verify((await StoredAsync(name))!, operatorKey.ExportSubjectPublicKeyInfo()));
        var audit = Assert.Single(await AuditAsync($"{name} v1"));
        Assert.Equal(("api:joana", "list-publish"), (audit.Actor, audit.Action));
        Assert.Contains("\"signed\": true", audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_operator_token_is_refused_at_once_and_the_list_never_shows_a_token()
    {
        await using var app = await InProcessApp.StartAsync(infra);
        var (revokedId, doomed) = await SiteTokens.IssueAdminAsync(infra.Database, "estagiario", CancellationToken.None);
        var (_, chief) = await SiteTokens.IssueAdminAsync(infra.Database, "chefe", CancellationToken.None);

        async Task<HttpResponseMessage> Send(HttpMethod method, string path, string token)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await app.Http.SendAsync(request);
        }

        using (var before = await Send(HttpMethod.Get, ApiRoutes.AdminSites, doomed))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var revoke = await Send(HttpMethod.Delete, ApiRoutes.AdminOperatorTokenPath(revokedId), chief))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using (var after = await Send(HttpMethod.Get, ApiRoutes.AdminSites, doomed))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        using (var again = await Send(HttpMethod.Delete, ApiRoutes.AdminOperatorTokenPath(revokedId), chief))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        using var listed = await Send(HttpMethod.Get, ApiRoutes.AdminOperatorTokens, chief);
        var body = await listed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.DoesNotContain("adm_", body, StringComparison.Ordinal);
        Assert.DoesNotContain(doomed, body, StringComparison.Ordinal);
        var entry = JsonNode.Parse(body)!.AsArray().Single(t => t!["tokenId"]!.GetValue<Guid>() == revokedId)!;
        Assert.Equal("estagiario", entry["name"]!.GetValue<string>());
        Assert.NotNull(entry["revokedAt"]);
        Assert.Contains(await AuditAsync(revokedId.ToString("D")), a => a is ("api:chefe", "operator-token-revoke", _, _));
    }

    [Fact]
    public async Task Operator_token_commands_list_and_revoke_and_every_operator_action_is_audited_with_its_actor()
    {
        var issued = await Cli(null, "admin", "issue-token", "--name", "automacao", "--as", "ana");
        Assert.True(issued.ExitCode == 0, issued.Combined);
        var tokenId = (await SiteTokens.ListAdminAsync(infra.Database, CancellationToken.None)).Last(t => t.Name == "automacao").TokenId;

        var listed = await Cli(null, "admin", "tokens");
        Assert.Contains($"{tokenId}  automacao", listed.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(issued.StandardOutput.Trim(), listed.StandardOutput, StringComparison.Ordinal);

        Assert.Equal(0, (await Cli(null, "admin", "revoke-token", "--id", tokenId.ToString(), "--as", "ana")).ExitCode);
        Assert.Equal(1, (await Cli(null, "admin", "revoke-token", "--id", tokenId.ToString(), "--as", "ana")).ExitCode);
        Assert.Null(await SiteTokens.FindAdminAsync(infra.Database, issued.StandardOutput.Trim(), CancellationToken.None));
        Assert.Contains("revoked", (await Cli(null, "admin", "tokens")).StandardOutput, StringComparison.Ordinal);

        var site = Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, (await Cli(null, "sites", "add", "--ibge", site, "--name", "Auditada", "--as", "ana")).ExitCode);
        Assert.Equal(0, (await Cli(null, "tokens", "issue", "--site", site, "--as", "ana")).ExitCode);

        var audit = await AuditAsync(tokenId.ToString("D"));
        Assert.Equal([("cli:ana", "operator-token-issue"), ("cli:ana", "operator-token-revoke")], audit.Select(a => (a.Actor, a.Action)));
        Assert.Contains("automacao", audit[0].Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("adm_", string.Concat(audit.Select(a => a.Detail)), StringComparison.Ordinal);
        Assert.Equal([("cli:ana", "site-add"), ("cli:ana", "site-token-issue")], (await AuditAsync(site)).Select(a => (a.Actor, a.Action)));
    }

    [Fact]
    public async Task A_heartbeat_reporting_refused_definitions_is_stored_and_a_malformed_one_is_refused()
    {
        await using var app = await InProcessApp.StartAsync(infra);
        var site = await infra.NewSiteAsync();
        var token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;

        async Task<HttpStatusCode> Post(IReadOnlyList<RefusedDefinition> refused)
        {
            var heartbeat = new HeartbeatDto("run", "0.1.0", "linux", DateTimeOffset.UtcNow, "failed", DefinitionCodes.Signature, RefusedDefinitions: refused);
            using var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Heartbeats)
            {
                Content = new StringContent(JsonSerializer.Serialize(heartbeat, ContractsJsonContext.Default.HeartbeatDto), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await app.Http.SendAsync(request);
            return response.StatusCode;
        }

        // 16 hex digits may hold a long digit run: a key id is checked by its shape, not refused as CPF-like.
        Assert.Equal(HttpStatusCode.NoContent, await Post([new RefusedDefinition("hipertensos", 3, DefinitionCodes.BadSignature, "0123456789012345")]));
        Assert.Equal(HttpStatusCode.BadRequest, await Post([new RefusedDefinition("Hipertensos; DROP", 3, DefinitionCodes.BadSignature, "0123456789abcdef")]));
        Assert.Equal(HttpStatusCode.BadRequest, await Post([new RefusedDefinition("hipertensos", 3, DefinitionCodes.BadSignature, "not-a-key-id")]));

        await using var connection = await infra.Database.OpenConnectionAsync();
        var report = await connection.QuerySingleAsync<string>("SELECT report::text FROM ingest.heartbeats WHERE site_id = @site", new { site });
        Assert.Contains("\"refusedDefinitions\"", report, StringComparison.Ordinal);
        Assert.Contains("0123456789012345", report, StringComparison.Ordinal);
    }

    private static ECDsa PemKey(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }
}
