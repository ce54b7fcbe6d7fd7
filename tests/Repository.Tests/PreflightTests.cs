using System.Text.Json.Nodes;
using LocalInfra;
using Repository.Tests.Preflight;

namespace Repository.Tests;

/// <summary>
/// Issue 24 item 5: bicep/ compiles to a template Azure accepts, checked before a first deploy finds out. The Bicep is
/// compiled with the same CLI as <see cref="BicepTests"/> and handed to <see cref="AzurePreflight"/>, whose tables name
/// their sources. The unit tests below feed the checker small templates that break one constraint each, so no check is
/// one that cannot fail.
/// </summary>
public sealed class PreflightTests
{
    [Fact]
    public async Task The_deployment_meets_the_platform_constraints_before_it_is_deployed()
    {
        var template = await Compile("build", "bicep/main.bicep");
        var parameters = JsonNode.Parse((await Compile("build-params", "bicep/main.bicepparam"))["parametersJson"]!.ToString())!.AsObject();

        var resources = ArmEvaluator.Resources(template, ArmEvaluator.ParameterValues(template, parameters));
        var findings = AzurePreflight.Check(template, parameters);

        Assert.True(findings.Count == 0, "The deployment breaks platform constraints:\n" + string.Join('\n', findings));

        // The checks saw what they check (so an empty list is not a walk that found nothing).
        Assert.Contains(resources, r => r.Type == "Microsoft.Web/sites" && r.Body["properties"].At("functionAppConfig") is not null);
        Assert.Contains(resources, r => r.Type == "Microsoft.Web/sites/config");
        Assert.Contains(resources, r => r.Type == "Microsoft.DBforPostgreSQL/flexibleServers");
        Assert.Contains(resources, r => r.Name.EndsWith("/wal_compression", StringComparison.Ordinal));
        Assert.Contains(resources, r => r.Name.EndsWith("/pgbouncer.pool_mode", StringComparison.Ordinal) && (string?)r.Body["properties"].At("value") == "transaction");
        Assert.Contains(resources, r => r.Name.EndsWith("/pgbouncer.enabled", StringComparison.Ordinal) && (string?)r.Body["properties"].At("value") == "true");
        Assert.Equal(3, resources.Count(r => r.Type == "Microsoft.Authorization/roleAssignments"));
        var site = resources.Single(r => r.Type == "Microsoft.Web/sites");
        Assert.Equal(40, (int)site.Body["properties"].At("functionAppConfig")!["scaleAndConcurrency"]!["maximumInstanceCount"]!);
    }

    // ---- the checker on small templates --------------------------------------------------------------------------------

    [Fact]
    public void A_flex_app_with_11_instances_is_named()
    {
        var findings = AzurePreflight.Check(Template(FlexSite(maximumInstanceCount: "11")));

        Assert.Contains(findings, f => f.Contains("maximumInstanceCount is 11", StringComparison.Ordinal));
        Assert.Empty(AzurePreflight.Check(Template(FlexSite(maximumInstanceCount: "40"))));
        Assert.Contains(AzurePreflight.Check(Template(FlexSite(maximumInstanceCount: "1001"))), f => f.Contains("maximumInstanceCount is 1001", StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_reaching_the_site_through_parameters_variables_and_a_module_is_followed()
    {
        // main: param cap (default 40, minValue 11) → variable → module parameter → site: the minimum is a value one may deploy.
        var module = Template(FlexSite(maximumInstanceCount: "\"[parameters('max')]\""), parameters: """{ "max": { "type": "int" } }""");
        var main = Template(
            $$"""
            { "type": "Microsoft.Resources/deployments", "apiVersion": "2025-04-01", "name": "app",
              "properties": { "expressionEvaluationOptions": { "scope": "inner" }, "mode": "Incremental",
                              "parameters": { "max": { "value": "[variables('count')]" } }, "template": {{module}} } }
            """,
            parameters: """{ "cap": { "type": "int", "defaultValue": 40, "minValue": 11 } }""",
            variables: """{ "count": "[max(1, parameters('cap'))]" }""");

        var findings = AzurePreflight.Check(main);

        Assert.Equal(["app/Microsoft.Web/sites 'app': maximumInstanceCount is 11; Flex Consumption accepts 40–1000 (Azure/azure-functions-host#10523, Az.Functions Flex stack data) [with cap = 11]"], findings);
    }

    [Fact]
    public void A_value_only_Azure_knows_is_a_finding_not_a_pass()
    {
        var findings = AzurePreflight.Check(Template(FlexSite(maximumInstanceCount: "\"[reference('x').outputs.n.value]\"")));

        Assert.Contains(findings, f => f.Contains("maximumInstanceCount cannot be checked before deploying", StringComparison.Ordinal));
    }

    [Fact]
    public void Instance_memory_outside_512_2048_4096_is_named()
    {
        Assert.Contains(AzurePreflight.Check(Template(FlexSite(memory: 1024))), f => f.Contains("instanceMemoryMB is 1024", StringComparison.Ordinal));
        Assert.Empty(AzurePreflight.Check(Template(FlexSite(memory: 512))));
    }

    [Fact]
    public void A_custom_runtime_version_flex_does_not_offer_is_named()
    {
        Assert.Contains(AzurePreflight.Check(Template(FlexSite(runtimeVersion: "2.0"))), f => f.Contains("runtime custom version 2.0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("functions_extension_version")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    public void An_app_setting_flex_rejects_is_named(string setting)
    {
        var config = $$"""
            { "type": "Microsoft.Web/sites/config", "apiVersion": "2024-04-01", "name": "[format('{0}/{1}', 'app', 'appsettings')]",
              "properties": { "AzureWebJobsStorage__accountName": "st", "{{setting}}": "x" } }
            """;

        var findings = AzurePreflight.Check(Template(FlexSite(), config));

        Assert.Equal([$"Microsoft.Web/sites/config 'app/appsettings': app setting {setting} is rejected on Flex Consumption (Flex Consumption plan deprecations, learn.microsoft.com/azure/azure-functions/functions-app-settings)"], findings);
    }

    [Fact]
    public void A_site_property_flex_rejects_is_named_in_site_config_too()
    {
        var site = FlexSite().Replace("\"minTlsVersion\": \"1.2\"", "\"minTlsVersion\": \"1.2\", \"alwaysOn\": true, \"appSettings\": [ { \"name\": \"FUNCTIONS_WORKER_RUNTIME\", \"value\": \"custom\" } ]", StringComparison.Ordinal);

        var findings = AzurePreflight.Check(Template(site));

        Assert.Contains(findings, f => f.Contains("site property alwaysOn", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("app setting FUNCTIONS_WORKER_RUNTIME", StringComparison.Ordinal));
    }

    [Fact]
    public void PostgreSQL_17_under_API_2024_08_01_is_named_also_when_it_is_only_an_allowed_value()
    {
        var server = """
            { "type": "Microsoft.DBforPostgreSQL/flexibleServers", "apiVersion": "2024-08-01", "name": "db",
              "properties": { "version": "[parameters('version')]" } }
            """;

        var findings = AzurePreflight.Check(Template(server, parameters: """{ "version": { "type": "string", "defaultValue": "16", "allowedValues": [ "16", "17" ] } }"""));

        Assert.Equal(["Microsoft.DBforPostgreSQL/flexibleServers 'db': PostgreSQL version '17' is not one API 2024-08-01 accepts (11, 12, 13, 14, 15, 16; azure-rest-api-specs FlexibleServers.json ServerVersion) [with version = 17]"], findings);
    }

    [Fact]
    public void A_PostgreSQL_API_version_without_a_known_version_list_is_named()
    {
        var server = """{ "type": "Microsoft.DBforPostgreSQL/flexibleServers", "apiVersion": "2099-01-01-preview", "name": "db", "properties": { "version": "16" } }""";

        Assert.Contains(AzurePreflight.Check(Template(server)), f => f.Contains("no list of the PostgreSQL versions API 2099-01-01-preview accepts", StringComparison.Ordinal));
    }

    [Fact]
    public void Wal_compression_lz4_is_named_in_a_copy_loop()
    {
        var configurations = """
            { "copy": { "name": "configurations", "count": "[length(variables('parameters'))]", "mode": "serial", "batchSize": 1 },
              "type": "Microsoft.DBforPostgreSQL/flexibleServers/configurations", "apiVersion": "2024-08-01",
              "name": "[format('{0}/{1}', 'db', variables('parameters')[copyIndex()].name)]",
              "properties": { "value": "[variables('parameters')[copyIndex()].value]", "source": "user-override" } }
            """;
        var variables = """{ "parameters": [ { "name": "require_secure_transport", "value": "on" }, { "name": "wal_compression", "value": "lz4" } ] }""";

        var findings = AzurePreflight.Check(Template(configurations, variables: variables));

        Assert.Equal(["Microsoft.DBforPostgreSQL/flexibleServers/configurations 'db/wal_compression': wal_compression = 'lz4'; Flexible Server accepts on, off (Azure's server parameter table)"], findings);
        Assert.Empty(AzurePreflight.Check(Template(configurations, variables: variables.Replace("lz4", "on", StringComparison.Ordinal))));
    }

    [Fact]
    public void PgBouncer_on_a_Burstable_server_is_named_also_when_Burstable_is_only_an_allowed_tier()
    {
        var server = """
            { "type": "Microsoft.DBforPostgreSQL/flexibleServers", "apiVersion": "2024-08-01", "name": "db",
              "sku": { "name": "Standard_D2ds_v5", "tier": "[parameters('tier')]" }, "properties": { "version": "16" } }
            """;
        static string Configuration(string name, string value) => $$"""
            { "type": "Microsoft.DBforPostgreSQL/flexibleServers/configurations", "apiVersion": "2024-08-01", "name": "db/{{name}}",
              "properties": { "value": "{{value}}", "source": "user-override" } }
            """;
        var tiers = """{ "tier": { "type": "string", "defaultValue": "GeneralPurpose", "allowedValues": [ "GeneralPurpose", "Burstable" ] } }""";

        var findings = AzurePreflight.Check(Template(server, Configuration("pgbouncer.enabled", "true"), parameters: tiers));
        var disabled = AzurePreflight.Check(Template(server, Configuration("pgbouncer.enabled", "false"), parameters: tiers));

        Assert.Equal(["Microsoft.DBforPostgreSQL/flexibleServers/configurations 'db/pgbouncer.enabled': pgbouncer.enabled on a Burstable server; the built-in PgBouncer exists only on GeneralPurpose, MemoryOptimized (learn.microsoft.com/azure/postgresql/flexible-server/param-pgbouncer) [with tier = Burstable]"], findings);
        Assert.Empty(disabled);
    }

    [Theory]
    [InlineData("pgbouncer.pool_mode", "session-ish", "Flexible Server accepts session, transaction, statement")]
    [InlineData("pgbouncer.default_pool_size", "0", "Flexible Server accepts 1–4950")]
    [InlineData("pgbouncer.max_client_conn", "60000", "Flexible Server accepts 1–50000")]
    public void A_PgBouncer_parameter_outside_what_Azure_accepts_is_named(string name, string value, string expected)
    {
        var server = """
            { "type": "Microsoft.DBforPostgreSQL/flexibleServers", "apiVersion": "2024-08-01", "name": "db",
              "sku": { "name": "Standard_D2ds_v5", "tier": "GeneralPurpose" }, "properties": { "version": "16" } }
            """;
        string Configuration(string v) => $$"""
            { "type": "Microsoft.DBforPostgreSQL/flexibleServers/configurations", "apiVersion": "2024-08-01", "name": "db/{{name}}",
              "properties": { "value": "{{v}}", "source": "user-override" } }
            """;

        Assert.Contains(AzurePreflight.Check(Template(server, Configuration(value))), f => f.Contains(expected, StringComparison.Ordinal));
        Assert.Empty(AzurePreflight.Check(Template(server, Configuration(name == "pgbouncer.pool_mode" ? "transaction" : "50"))));
    }

    [Fact]
    public void A_role_assignment_whose_id_is_not_the_role_it_names_is_named()
    {
        static string Assignment(string description, string id) => $$"""
            { "type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "a",
              "properties": { "description": "{{description}}", "principalId": "p", "principalType": "ServicePrincipal",
                              "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{{id}}')]" } }
            """;
        var contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";

        var wrongId = AzurePreflight.Check(Template(Assignment("Storage Blob Data Owner: the app's blobs", contributor)));
        var noRole = AzurePreflight.Check(Template(Assignment("the app's blobs", AzurePreflight.BuiltInRoles["Storage Blob Data Owner"])));
        var right = AzurePreflight.Check(Template(Assignment("Storage Blob Data Owner: the app's blobs", AzurePreflight.BuiltInRoles["Storage Blob Data Owner"])));

        Assert.Contains(wrongId, f => f.Contains($"roleDefinitions/{contributor} is not 'Storage Blob Data Owner'", StringComparison.Ordinal));
        Assert.Contains(noRole, f => f.Contains("description must start with the built-in role's name", StringComparison.Ordinal));
        Assert.Empty(right);
    }

    private static string FlexSite(string maximumInstanceCount = "40", int memory = 2048, string runtimeVersion = "1.0") => $$"""
        { "type": "Microsoft.Web/sites", "apiVersion": "2024-04-01", "name": "app", "kind": "functionapp,linux",
          "properties": { "siteConfig": { "minTlsVersion": "1.2" },
            "functionAppConfig": {
              "scaleAndConcurrency": { "maximumInstanceCount": {{maximumInstanceCount}}, "instanceMemoryMB": {{memory}} },
              "runtime": { "name": "custom", "version": "{{runtimeVersion}}" } } } }
        """;

    private static JsonObject Template(string resource, string? second = null, string parameters = "{}", string variables = "{}") =>
        JsonNode.Parse($$"""
            { "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
              "parameters": {{parameters}}, "variables": {{variables}},
              "resources": [ {{resource}}{{(second is null ? string.Empty : "," + second)}} ] }
            """)!.AsObject();

    private static async Task<JsonObject> Compile(string command, string file)
    {
        var result = await ProcessRunner.RunAsync(BicepCli.Path(), [command, file, "--stdout"], workingDirectory: RepositoryFiles.Root, timeout: TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, $"bicep {command} {file} exited {result.ExitCode}:\n{result.StandardError}");
        return JsonNode.Parse(result.StandardOutput)!.AsObject();
    }
}
