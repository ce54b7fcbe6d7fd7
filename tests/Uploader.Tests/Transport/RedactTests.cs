using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Tests;

public sealed class RedactTests
{
    [Fact]
    public void A_SAS_signature_and_a_proxy_password_are_cut_from_a_message()
    {
        var message = "PUT http://127.0.0.1:10000/devstoreaccount1/snapshots/uploads/x.csv.gz?sv=2025-01-05&sp=w&sig=abc%2Bdef%3D&comp=block failed via 'http://user:pw@proxy:3128/'";

        var redacted = Redact.Credentials(message);

        Assert.DoesNotContain("abc%2Bdef", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("pw@", redacted, StringComparison.Ordinal);
        Assert.Contains("sig=REDACTED&comp=block", redacted, StringComparison.Ordinal);
    }
}
