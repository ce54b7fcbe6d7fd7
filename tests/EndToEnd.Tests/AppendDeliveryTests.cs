using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;

namespace EndToEnd.Tests;

/// <summary>
/// An append list through the whole backend behind the host stand-in (ingest → Blob + queue → the queue-triggered load →
/// the central table): two deliveries whose rows overlap, as two polls of an API do, leave each row once
/// (docs/adr/0022-list-definitions-beyond-one-query.md).
/// </summary>
public sealed class AppendDeliveryTests
{
    private const string List = "atendimentos_api";

    [Fact]
    public async Task An_append_list_put_twice_with_overlapping_rows_holds_each_row_once()
    {
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [] });
        var site = await pipeline.AddMunicipalityAsync("3550308", "São Paulo (teste)", 10, seed: 3);
        await pipeline.PublishListAsync(JsonSerializer.Serialize(new
        {
            name = List,
            version = 1,
            description = "Appointments read from an HTTP API every minute (test).",
            sql = "SELECT 1 AS id, 'x' AS tipo",
            mode = LoadModes.Append,
            key = new[] { "id" },
            columns = new[] { new { name = "id", type = "bigint" }, new { name = "tipo", type = "text" } },
        }));

        using var http = new HttpClient { BaseAddress = pipeline.Endpoint };
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await PutAsync(http, site.Token, "id,tipo\n1,consulta\n2,visita\n3,vacina\n", now.AddMinutes(-2));
        await PutAsync(http, site.Token, "id,tipo\n2,visita\n3,vacina\n4,consulta\n5,visita\n", now.AddMinutes(-1));

        var loads = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(2), expectedAtLeast: 2);

        Assert.All(loads, l => Assert.Equal((SnapshotStatuses.Loaded, 0L, 0L), (l.Status, l.Updated ?? -1, l.Deleted ?? -1)));
        Assert.Equal(5L, loads.Sum(l => l.Inserted ?? 0)); // whichever loaded first, the overlap is inserted once
        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT id, tipo FROM lists.{List} WHERE site_id = @site ORDER BY id", connection);
        command.Parameters.AddWithValue("site", site.Ibge);
        var rows = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add($"{reader.GetInt64(0)}|{reader.GetString(1)}");
            }
        }

        Assert.Equal(["1|consulta", "2|visita", "3|vacina", "4|consulta", "5|visita"], rows);

        // The cursor route is forwarded by the host as the others are; an append list has no cursor.
        using var cursorRequest = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.Relative(ApiRoutes.ListCursorPath(List)));
        cursorRequest.Headers.Authorization = new("Bearer", site.Token);
        using var cursor = await http.SendAsync(cursorRequest);
        Assert.Equal(HttpStatusCode.OK, cursor.StatusCode);
        Assert.Equal(new ListCursorDto(List, null, null, null, null), await cursor.Content.ReadFromJsonAsync<ListCursorDto>());
    }

    private static async Task PutAsync(HttpClient http, string token, string csv, DateTimeOffset extractedAt)
    {
        var body = SnapshotPutClient.Gzip(csv);
        using var request = SnapshotUploadRequest.Create(
            token, List, SnapshotIds.New(extractedAt), extractedAt, new ByteArrayContent(body), ContentDigest.Format(SHA256.HashData(body)), DeliveryKinds.Append);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }
}
