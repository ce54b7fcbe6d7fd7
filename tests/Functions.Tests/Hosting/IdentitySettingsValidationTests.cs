using PecLists.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Tests.Hosting;

/// <summary>
/// The identity settings (storage by service URIs and managed identity, PostgreSQL by Entra token) are checked when the
/// app starts: a bad or missing one stops it with one line naming the setting. The good Azure form starts with nothing
/// reachable (no token is asked for at start-up).
/// </summary>
public sealed class IdentitySettingsValidationTests
{
    private static readonly string[] Base = ["--urls=http://127.0.0.1:0", "--ConnectionStrings:Central=Host=127.0.0.1;Port=1;Username=id-pec"];

    private static readonly string[] AzureStorage =
    [
        "--IngestStorage:blobServiceUri=https://pecstore.blob.core.windows.net/",
        "--IngestStorage:queueServiceUri=https://pecstore.queue.core.windows.net/",
        "--IngestStorage:credential=managedidentity",
        "--IngestStorage:clientId=9a1f7c1e-7b1d-4c57-9d0e-2b8f4d1f0a11",
    ];

    public static TheoryData<string[], string> BadSettings() => new()
    {
        { [], "IngestStorage is not set: give a storage connection string (Azurite locally) or IngestStorage:blobServiceUri" },
        { ["--IngestStorage:blobServiceUri=http://pecstore.blob.core.windows.net/", .. AzureStorage[1..]], "IngestStorage:blobServiceUri must be the account's https blob endpoint" },
        { [AzureStorage[0], "--IngestStorage:queueServiceUri=pecstore", .. AzureStorage[2..]], "IngestStorage:queueServiceUri must be the account's https queue endpoint" },
        { [.. AzureStorage[..2], "--IngestStorage:credential=connectionstring", AzureStorage[3]], "IngestStorage:credential must be 'managedidentity'" },
        { [.. AzureStorage[..3], "--IngestStorage:clientId=not-a-guid"], "IngestStorage:clientId must be the user-assigned identity's client id (a GUID)." },
        { [.. AzureStorage, "--Database:Authentication=kerberos"], "Database:Authentication must be 'password' (the connection string's own) or 'entra'" },
        { [.. AzureStorage, "--Database:Authentication=entra", "--Database:ClientId=abc"], "Database:ClientId must be the user-assigned identity's client id (a GUID)." },
        {
            [.. AzureStorage, "--Database:Authentication=entra", "--ConnectionStrings:Central=Host=127.0.0.1;Port=1;Username=id-pec;Password=secret"],
            "ConnectionStrings:Central must not carry a Password when Database:Authentication is entra"
        },
        { [.. AzureStorage, "--APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=Key"], "APPLICATIONINSIGHTS_AUTHENTICATION_STRING must be 'Authorization=AAD'" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_identity_setting_stops_the_start_naming_it(string[] settings, string message)
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = FunctionsApp.Build([.. Base, .. settings]);
            await app.StartAsync();
        });

        Assert.StartsWith(message, Assert.Single(refused.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Azure_form_starts_without_reaching_Azure()
    {
        await using var app = FunctionsApp.Build(
            [.. Base, .. AzureStorage, "--Database:Authentication=entra", "--Database:ClientId=9a1f7c1e-7b1d-4c57-9d0e-2b8f4d1f0a11"]);

        await app.StartAsync();

        await app.StopAsync();
    }
}
