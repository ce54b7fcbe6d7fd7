using System.Text;
using PecLists.Functions.Http;
using PecLists.Functions.Loading;
using PecLists.Functions.Storage;
using Npgsql;

namespace PecLists.Functions.Tests.Loading;

public sealed class LoadErrorsTests
{
    [Theory]
    [InlineData("22P02", "bad-data")]
    [InlineData("22P04", "bad-data")]
    [InlineData("23505", "duplicate-key")]
    [InlineData("23502", "null-key")]
    [InlineData("42703", "schema-mismatch")]
    public void Data_and_schema_errors_are_permanent(string sqlState, string code)
    {
        var permanent = LoadErrors.AsPermanent(new PostgresException("boom", "ERROR", "ERROR", sqlState));

        Assert.NotNull(permanent);
        Assert.Equal(code, permanent.Code);
    }

    [Fact]
    public void Every_quoted_value_leaves_the_rejection_reason_whichever_quotes_it_is_in()
    {
        var error = new PostgresException("""invalid input syntax for type date: "Maria "Preta" Santos", near '529.982.247-25'""", "ERROR", "ERROR", "22007");

        var reason = LoadErrors.AsPermanent(error)!.Message;

        Assert.DoesNotContain("Maria", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("529.982", reason, StringComparison.Ordinal);
        Assert.StartsWith("invalid input syntax for type date: (value), near (value)", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("08006")]
    [InlineData("40P01")]
    [InlineData("55P03")]
    [InlineData("57014")]
    [InlineData("53300")]
    public void Connection_lock_and_resource_errors_are_transient(string sqlState) =>
        Assert.Null(LoadErrors.AsPermanent(new PostgresException("boom", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void A_missing_grant_is_transient_and_named_so_it_can_be_alerted_on()
    {
        var denied = new PostgresException("permission denied for table pacientes_teste", "ERROR", "ERROR", "42501");

        Assert.Null(LoadErrors.AsPermanent(denied));
        Assert.Equal("central-database-42501", LoadErrors.TransientCause(denied));
        Assert.Contains("grant", LoadErrors.DescribeTransient(denied), StringComparison.Ordinal);
    }

    [Fact]
    public void Io_and_network_errors_are_transient()
    {
        Assert.Null(LoadErrors.AsPermanent(new NpgsqlException("connection refused")));
        Assert.Null(LoadErrors.AsPermanent(new TimeoutException()));
    }

    [Fact]
    public void Reasons_keep_the_location_and_drop_the_values()
    {
        var error = new PostgresException(
            "invalid input syntax for type bigint: \"Maria da Conceição\"", "ERROR", "ERROR", "22P02",
            where: "COPY stage, line 7, column id: \"Maria da Conceição\"");

        var reason = LoadErrors.AsPermanent(error)!.Message;

        Assert.DoesNotContain("Maria", reason, StringComparison.Ordinal);
        Assert.Contains("CSV line 7, column id", reason, StringComparison.Ordinal);
        Assert.Contains("invalid input syntax for type bigint", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_gzip_and_utf8_are_permanent()
    {
        Assert.Equal("bad-gzip", LoadErrors.AsPermanent(new InvalidDataException())!.Code);
        Assert.Equal("bad-encoding", LoadErrors.AsPermanent(new DecoderFallbackException())!.Code);
    }

    [Fact]
    public void A_queue_message_arrives_as_a_json_string_inside_the_invocation()
    {
        var message = new LoadMessage(Guid.CreateVersion7(), "1234567", "teste", "1234567/teste/x.csv.gz", DateTimeOffset.UnixEpoch);
        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["Data"] = new System.Text.Json.Nodes.JsonObject { ["msg"] = message.ToJson() },
            ["Metadata"] = new System.Text.Json.Nodes.JsonObject { ["DequeueCount"] = 3 },
        };
        var invocation = System.Text.Json.JsonSerializer.Deserialize<InvocationRequest>(json.ToJsonString())!;

        Assert.Equal(message, LoadMessage.TryParse(invocation.TriggerText("msg")));
        Assert.Equal(3, invocation.DequeueCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"snapshotId":"00000000-0000-0000-0000-000000000000","site":"1","list":"a","blob":"b","extractedAt":"2026-01-01T00:00:00Z"}""")]
    [InlineData("""{"snapshotId":"01a219e0-9bfd-76b9-b5df-00af3a4d2e2c","site":"Maria da Silva","list":"hipertensos","blob":"b","extractedAt":"2026-01-01T00:00:00Z"}""")]
    [InlineData("""{"snapshotId":"01a219e0-9bfd-76b9-b5df-00af3a4d2e2c","site":"2611606","list":"CPF 12345678901","blob":"b","extractedAt":"2026-01-01T00:00:00Z"}""")]
    public void Malformed_messages_are_recognised(string json) => Assert.Null(LoadMessage.TryParse(json));
}
