using System.Net;
using System.Text.Json;

namespace LocalInfra.FakeApis;

/// <summary>
/// Shaped like Rio de Janeiro's BRT GPS feed (dados.mobilidade.rio/gps/brt): one document
/// <c>{"veiculos":[{"codigo","placa","linha","latitude","longitude","dataHora","velocidade","sentido","trajeto"}]}</c>,
/// <c>dataHora</c> in milliseconds since 1970. Vehicle n (from 0) is generated from n. Optionally it wants an API key
/// header (401 without it), and its quirk (<see cref="Quirk"/>) applies to the one page there is.
/// With <see cref="MovingPolls"/> the vehicles move as the real feed's do: each whole answer is a poll, and the feed
/// gives every vehicle's latest reading, which changes only when the vehicle reported again (vehicle n every 1 + n % 3
/// polls), so consecutive polls overlap, as the real feed's do. <see cref="RequestQuirks"/> make single requests fail
/// the way the real feed does now and then (a 429 with Retry-After, a 500, a member missing).
/// </summary>
public sealed class BrtGpsFeed
{
    private int _polls;

    public const string Path = "/gps/brt";

    /// <summary>The instant of vehicle 0's position: 2024-12-07 14:00:00 UTC.</summary>
    public const long FirstDataHora = 1733580000000;

    public int Vehicles { get; init; } = 20;

    /// <summary>When set, requests must carry <c>X-Api-Key: RequiredKey</c> (else 401).</summary>
    public string? RequiredKey { get; init; }

    public PageQuirk? Quirk { get; init; }

    /// <summary>Vehicle whose <c>dataHora</c> is text instead of a number ("agora"), if any.</summary>
    public int? TextDataHoraAt { get; init; }

    /// <summary>
    /// When set, the vehicles move for this many polls (whole answers), then stand still: every later answer repeats the
    /// last one, so what a test expects to find centrally is fixed. Null: every answer is reading 0 of every vehicle.
    /// </summary>
    public int? MovingPolls { get; init; }

    /// <summary>Quirks of single requests, by the request's number (from 1, counting every request to the feed).</summary>
    public IReadOnlyDictionary<int, PageQuirk> RequestQuirks { get; init; } = new Dictionary<int, PageQuirk>();

    /// <summary>Whole answers served so far (quirk answers not counted): the polls an uploader could have read.</summary>
    public int PollsAnswered => Volatile.Read(ref _polls);

    public static string CodigoOf(int n) => $"B{30000 + n}";

    public static double LatitudeOf(int n) => -22.9 - (n * 0.001);

    public static long DataHoraOf(int n) => FirstDataHora + (n * 1000L);

    /// <summary>Vehicle n's reading at poll p (from 0) of a moving feed: it reports again every 1 + n % 3 polls.</summary>
    public static int ReadingOf(int n, int poll) => poll / (1 + (n % 3));

    /// <summary>Reading r of vehicle n was taken a minute after reading r − 1.</summary>
    public static long DataHoraOf(int n, int reading) => DataHoraOf(n) + (reading * 60_000L);

    public static double LatitudeOf(int n, int reading) => Math.Round(LatitudeOf(n) - (reading * 0.0007), 6);

    public static double LongitudeOf(int n, int reading) => Math.Round(-43.2 - (n * 0.001) + (reading * 0.0005), 6);

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

        // A request quirk happens to that one request (as a first attempt would), whatever came before.
        var requestQuirk = RequestQuirks.GetValueOrDefault(request.Attempt);
        if (await FakePages.FailAsync(requestQuirk, request with { Attempt = 1 }, response))
        {
            return;
        }

        var missing = requestQuirk is { Kind: PageQuirkKind.FieldMissing } quirk ? quirk : null;
        var answered = missing is null ? Interlocked.Increment(ref _polls) - 1 : PollsAnswered; // a broken answer is no poll
        var poll = MovingPolls is { } moving ? Math.Min(answered, moving - 1) : 0;

        await using var json = FakePages.JsonOnto(response);
        json.WriteStartObject();
        json.WriteStartArray("veiculos");
        for (var n = 0; n < Vehicles; n++)
        {
            if (Quirk?.Kind == PageQuirkKind.StallsOnce && request.Attempt == 1 && n == Vehicles / 2)
            {
                await FakePages.StallAsync(json, response, api.Stopping);
            }

            var reading = ReadingOf(n, poll);
            var without = missing is not null && n >= missing.FromRow ? missing.Field : null;
            json.WriteStartObject();
            json.WriteString("codigo", CodigoOf(n));
            json.WriteString("placa", PlacaOf(n));
            json.WriteString("linha", n % 2 == 0 ? "10" : "22A");
            json.WriteNumber("latitude", LatitudeOf(n, reading));
            json.WriteNumber("longitude", LongitudeOf(n, reading));
            if (TextDataHoraAt == n)
            {
                json.WriteString("dataHora", "agora");
            }
            else
            {
                json.WriteNumber("dataHora", DataHoraOf(n, reading));
            }

            if (without == "velocidade")
            {
                // The member is gone (a firmware update on some buses), not null.
            }
            else if (VelocidadeOf(n) is { } speed)
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
