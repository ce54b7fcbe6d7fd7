using System.Net;
using System.Text.Json;

namespace LocalInfra.FakeApis;

/// <summary>
/// Shaped like Rio de Janeiro's BRT GPS feed (dados.mobilidade.rio/gps/brt): one document
/// <c>{"veiculos":[{"codigo","placa","linha","latitude","longitude","dataHora","velocidade","sentido","trajeto"}]}</c>,
/// <c>dataHora</c> in milliseconds since 1970. Vehicle n (from 0) is generated from n. Optionally it wants an API key
/// header (401 without it), and its quirk (<see cref="Quirk"/>) applies to the one page there is.
/// </summary>
public sealed class BrtGpsFeed
{
    public const string Path = "/gps/brt";

    /// <summary>The instant of vehicle 0's position: 2024-12-07 14:00:00 UTC.</summary>
    public const long FirstDataHora = 1733580000000;

    public int Vehicles { get; init; } = 20;

    /// <summary>When set, requests must carry <c>X-Api-Key: RequiredKey</c> (else 401).</summary>
    public string? RequiredKey { get; init; }

    public PageQuirk? Quirk { get; init; }

    /// <summary>Vehicle whose <c>dataHora</c> is text instead of a number ("agora"), if any.</summary>
    public int? TextDataHoraAt { get; init; }

    public static string CodigoOf(int n) => $"B{30000 + n}";

    public static double LatitudeOf(int n) => -22.9 - (n * 0.001);

    public static long DataHoraOf(int n) => FirstDataHora + (n * 1000L);

    /// <summary>Vehicle n's plate: empty (not null) for every seventh (a vehicle not yet registered).</summary>
    public static string PlacaOf(int n) => n % 7 == 6 ? string.Empty : $"LRX{1000 + n}";

    /// <summary>Vehicle n's speed: null for every fifth (a vehicle standing with its GPS off).</summary>
    public static int? VelocidadeOf(int n) => n % 5 == 4 ? null : 20 + n;

    public FakeJsonApi MapOn(FakeJsonApi api) => api.Map(Path, (request, response) => AnswerAsync(api, request, response));

    private async Task AnswerAsync(FakeJsonApi api, FakeApiRequest request, HttpListenerResponse response)
    {
        if (RequiredKey is not null && request.Headers.GetValueOrDefault("X-Api-Key") != RequiredKey)
        {
            response.StatusCode = 401;
            await FakePages.WriteAsync(response, "application/json", """{"message":"invalid api key"}""");
            return;
        }

        if (await FakePages.FailAsync(Quirk, request, response))
        {
            return;
        }

        await using var json = FakePages.JsonOnto(response);
        json.WriteStartObject();
        json.WriteStartArray("veiculos");
        for (var n = 0; n < Vehicles; n++)
        {
            if (Quirk?.Kind == PageQuirkKind.StallsOnce && request.Attempt == 1 && n == Vehicles / 2)
            {
                await FakePages.StallAsync(json, response, api.Stopping);
            }

            json.WriteStartObject();
            json.WriteString("codigo", CodigoOf(n));
            json.WriteString("placa", PlacaOf(n));
            json.WriteString("linha", n % 2 == 0 ? "10" : "22A");
            json.WriteNumber("latitude", LatitudeOf(n));
            json.WriteNumber("longitude", -43.2 - (n * 0.001));
            if (TextDataHoraAt == n)
            {
                json.WriteString("dataHora", "agora");
            }
            else
            {
                json.WriteNumber("dataHora", DataHoraOf(n));
            }

            if (VelocidadeOf(n) is { } speed)
            {
                json.WriteNumber("velocidade", speed);
            }
            else
            {
                json.WriteNull("velocidade");
            }

            json.WriteString("sentido", n % 2 == 0 ? "ida" : "volta");
            json.WriteString("trajeto", n % 2 == 0 ? "Alvorada, Jardim Oceânico" : "Santa Cruz, Campo Grande");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
