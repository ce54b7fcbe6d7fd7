using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PecLists.Functions.Telemetry;

/// <summary>
/// OpenTelemetry for the handler (ADR 0015): business events through ILogger, metrics through <see cref="PipelineMetrics"/>,
/// Npgsql's own traces and metrics. Exported to Application Insights only when APPLICATIONINSIGHTS_CONNECTION_STRING is
/// set (Entra sign-in when APPLICATIONINSIGHTS_AUTHENTICATION_STRING says Authorization=AAD), to an OTLP collector
/// when OTEL_EXPORTER_OTLP_ENDPOINT is set, and nowhere otherwise: unconfigured, nothing leaves the process.
/// </summary>
public static class TelemetryServices
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddPipelineTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSingleton<PipelineMetrics>();
        // Read now, so a bad value stops the start in one line naming the setting (FunctionsApp.RunAsync), not at the
        // first export.
        TokenCredential? credential;
        try
        {
            credential = EntraCredential(configuration[AuthenticationSetting]);
        }
        catch (InvalidOperationException bad)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(AuthenticationSetting, typeof(TelemetryServices), [bad.Message]);
        }

        var appInsights = configuration[ConnectionStringSetting] is { Length: > 0 } connectionString
            ? (Action<AzureMonitorExporterOptions>)(options =>
            {
                options.ConnectionString = connectionString;
                options.Credential = credential;

                // Business events must never be sampled away. The exporter drops a log written inside an activity that
                // is not recorded (trace-based log sampling, on by default); every HTTP request here has such an
                // activity, so without this no event would reach customEvents (measured, tests/Functions.Tests/Telemetry).
                options.EnableTraceBasedLogsSampler = false;
                options.SamplingRatio = 1.0F;
                options.TracesPerSecond = null;
            })
            : null;

        // The exporters are added per signal, the log exporter after the custom-event mark, so the order is explicit.
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(TelemetryNames.Service, serviceVersion: typeof(TelemetryServices).Assembly.GetName().Version?.ToString()))
            .WithLogging(
                logging =>
                {
                    logging.AddProcessor(new CustomEventProcessor());
                    logging.AddProcessor(new DataFreeLogProcessor());
                    if (appInsights is not null)
                    {
                        logging.AddAzureMonitorLogExporter(appInsights);
                    }
                },
                options =>
                {
                    options.IncludeScopes = true; // the host's invocation id
                    options.IncludeFormattedMessage = true;
                })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TelemetryNames.Meter).AddNpgsqlInstrumentation();
                if (appInsights is not null)
                {
                    metrics.AddAzureMonitorMetricExporter(appInsights);
                }
            })
            .WithTracing(tracing =>
            {
                // Npgsql's spans record a failed command's exception, whose text may quote a row's value: data-free.
                DataFreeErrors.RedactDatabaseSpanExceptions();
                tracing.AddNpgsql();
                if (appInsights is not null)
                {
                    tracing.AddAzureMonitorTraceExporter(appInsights);
                }
            });

        if (configuration[OtlpEndpointSetting] is { Length: > 0 })
        {
            otel.UseOtlpExporter(); // reads OTEL_EXPORTER_OTLP_* itself
        }

        return services;
    }

    /// <summary>
    /// "Authorization=AAD" (optionally with "ClientId=&lt;user-assigned identity&gt;"), the setting the Functions host reads
    /// too: sign in with the managed identity, as App Insights with local auth off requires. Null: the key in the
    /// connection string.
    /// </summary>
    public static TokenCredential? EntraCredential(string? authentication)
    {
        if (string.IsNullOrWhiteSpace(authentication))
        {
            return null;
        }

        var parts = authentication.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var kind) || !string.Equals(kind, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{AuthenticationSetting} must be 'Authorization=AAD' or 'ClientId=<id>;Authorization=AAD'.");
        }

        return parts.TryGetValue("ClientId", out var clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
