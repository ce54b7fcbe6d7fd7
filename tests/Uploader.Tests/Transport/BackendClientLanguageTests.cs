using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Transport;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests;

/// <summary>What the backend client says to people (doctor shows a probe's error) follows the language too.</summary>
public sealed class BackendClientLanguageTests
{
    private static UploadConfig OneAttempt => new() { MaxAttempts = 1, AttemptTimeoutSeconds = 10 };

    [Fact]
    public async Task In_Portuguese_a_TLS_failure_is_named_in_Portuguese()
    {
        // https:// to a plain-HTTP server: the TLS handshake fails, as behind a proxy that breaks TLS.
        await using var stub = await StubBackend.StartAsync((c, _) => StubBackend.Status(c, StatusCodes.Status200OK));
        using var client = new BackendClient($"https://127.0.0.1:{stub.Endpoint.Port}/", OneAttempt);

        BackendClient.Probe english = await client.ProbeAsync(CancellationToken.None);
        BackendClient.Probe portuguese;
        using (Localized.Use(Language.Portuguese))
        {
            portuguese = await client.ProbeAsync(CancellationToken.None);
        }

        Assert.Equal("TLS handshake failed", english.Error);
        Assert.Equal("falha na negociação TLS", portuguese.Error);
    }

    [Fact]
    public async Task In_Portuguese_a_refused_token_is_explained_in_Portuguese()
    {
        await using var stub = await StubBackend.StartAsync((c, _) => StubBackend.Status(c, StatusCodes.Status401Unauthorized));
        using var client = new BackendClient(stub.Endpoint.ToString(), OneAttempt);

        BackendAuthException refused;
        using (Localized.Use(Language.Portuguese))
        {
            refused = await Assert.ThrowsAsync<BackendAuthException>(() => client.GetListsAsync("tok-recusado", CancellationToken.None));
        }

        Assert.Equal("O servidor central recusou o token do município (401/403).", refused.Message);
    }
}
