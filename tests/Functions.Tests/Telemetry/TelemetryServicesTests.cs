using Azure.Identity;
using PecLists.Functions.Telemetry;

namespace PecLists.Functions.Tests.Telemetry;

/// <summary>APPLICATIONINSIGHTS_AUTHENTICATION_STRING, read as the Functions host reads it.</summary>
public sealed class TelemetryServicesTests
{
    [Theory]
    [InlineData("ClientId=5f2b6a1e-0c1d-4e5f-9a8b-7c6d5e4f3a2b;Authorization=AAD")]
    [InlineData("Authorization=AAD")]
    [InlineData(" authorization = aad ; ")]
    public void Authorization_AAD_signs_in_with_a_managed_identity(string setting)
    {
        Assert.IsType<ManagedIdentityCredential>(TelemetryServices.EntraCredential(setting.Replace(" = ", "=", StringComparison.Ordinal)));
    }

    [Fact]
    public void No_setting_means_the_connection_strings_key_and_anything_else_is_refused_naming_the_setting()
    {
        Assert.Null(TelemetryServices.EntraCredential(null));
        Assert.Null(TelemetryServices.EntraCredential(" "));
        var refused = Assert.Throws<InvalidOperationException>(() => TelemetryServices.EntraCredential("Authorization=Key"));
        Assert.Contains(TelemetryServices.AuthenticationSetting, refused.Message, StringComparison.Ordinal);
    }
}
