using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;

namespace PecLists.Functions.Tests.Telemetry;

/// <summary>The app's telemetry as its exporters see it: log records (after the custom-event mark) and metrics, in memory.</summary>
public sealed class TelemetryCapture
{
    public List<LogRecord> Logs { get; } = [];

    public List<Metric> Metrics { get; } = [];

    public void AddTo(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(Logs));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics));
    }

    /// <summary>Pushes what the providers hold to the exporters.</summary>
    public static void Flush(IServiceProvider services)
    {
        services.GetRequiredService<LoggerProvider>().ForceFlush();
        services.GetRequiredService<MeterProvider>().ForceFlush();
    }

    /// <summary>The business events named <paramref name="name"/> as attribute dictionaries.</summary>
    public List<Dictionary<string, string?>> Events(string name)
    {
        lock (Logs)
        {
            return [.. Logs
                .Where(l => Attribute(l, "microsoft.custom_event.name") == name)
                .Select(l => l.Attributes!.ToDictionary(a => a.Key, a => a.Value?.ToString()))];
        }
    }

    /// <summary>Every text the log records carry: message, attributes and scopes, as an exporter would send them.</summary>
    public List<string> AllText()
    {
        lock (Logs)
        {
            var texts = new List<string>();
            foreach (var log in Logs)
            {
                texts.Add(log.FormattedMessage ?? string.Empty);
                texts.AddRange(log.Attributes?.Select(a => $"{a.Key}={a.Value}") ?? []);
                log.ForEachScope(
                    (scope, list) =>
                    {
                        foreach (var item in scope)
                        {
                            list.Add($"{item.Key}={item.Value}");
                        }
                    },
                    texts);
            }

            return texts;
        }
    }

    /// <summary>The values the record's logging scopes give <paramref name="key"/>.</summary>
    public static List<string> ScopeValues(LogRecord log, string key)
    {
        var values = new List<string>();
        log.ForEachScope(
            (scope, found) =>
            {
                foreach (var item in scope)
                {
                    if (item.Key == key)
                    {
                        found.Add(item.Value?.ToString() ?? string.Empty);
                    }
                }
            },
            values);
        return values;
    }

    public static string? Attribute(LogRecord log, string key) =>
        log.Attributes?.FirstOrDefault(a => a.Key == key).Value?.ToString();

    /// <summary>The sum of a counter's points (or a histogram's counts) with the given tag values.</summary>
    public double Sum(string metric, params (string Key, string Value)[] tags)
    {
        double total = 0;
        lock (Metrics)
        {
            foreach (var m in Metrics.Where(m => m.Name == metric).Distinct())
            {
                foreach (ref readonly var point in m.GetMetricPoints())
                {
                    var pointTags = new Dictionary<string, object?>();
                    foreach (var tag in point.Tags)
                    {
                        pointTags[tag.Key] = tag.Value;
                    }

                    if (tags.All(t => pointTags.TryGetValue(t.Key, out var v) && v?.ToString() == t.Value))
                    {
                        total += m.MetricType switch
                        {
                            MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                            MetricType.DoubleSum => point.GetSumDouble(),
                            MetricType.LongGauge => point.GetGaugeLastValueLong(),
                            MetricType.Histogram => point.GetHistogramCount(),
                            _ => 0,
                        };
                    }
                }
            }
        }

        return total;
    }
}
