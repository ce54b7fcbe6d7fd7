using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using PecLists.Functions.Telemetry;

namespace PecLists.Functions.Tests.Telemetry;

/// <summary>
/// The source-generated log definitions keep the telemetry contract: every business event named in TelemetryNames has
/// exactly one method, in the custom-event id range, whose placeholders are declared dimensions; event ids are unique;
/// no dimension is named like personal data.
/// </summary>
public sealed partial class LogDefinitionsTests
{
    private static readonly (MethodInfo Method, LoggerMessageAttribute Definition)[] Definitions =
        [.. new[] { typeof(BusinessEvents), typeof(OperationalLogs) }
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Select(m => (m, m.GetCustomAttribute<LoggerMessageAttribute>()!))
            .Where(d => d.Item2 is not null)];

    [Fact]
    public void Every_business_event_has_one_definition_in_the_custom_event_range()
    {
        var business = Definitions.Where(d => d.Method.DeclaringType == typeof(BusinessEvents)).ToList();

        Assert.Equal(TelemetryNames.Events.Order(), business.Select(d => d.Definition.EventName!).Order());
        Assert.All(business, d => Assert.InRange(d.Definition.EventId, BusinessEvents.FirstId, BusinessEvents.LastId));
        Assert.All(Definitions.Where(d => d.Method.DeclaringType == typeof(OperationalLogs)),
            d => Assert.False(d.Definition.EventId is >= BusinessEvents.FirstId and <= BusinessEvents.LastId, $"{d.Method.Name} would be exported as a custom event"));
    }

    [Fact]
    public void Event_ids_and_names_are_unique_and_each_message_starts_with_its_name()
    {
        Assert.Equal(Definitions.Length, Definitions.Select(d => d.Definition.EventId).Distinct().Count());
        Assert.Equal(Definitions.Length, Definitions.Select(d => d.Definition.EventName).Distinct().Count());
        Assert.All(Definitions, d => Assert.StartsWith(d.Definition.EventName + ": ", d.Definition.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Business_event_placeholders_are_declared_dimensions_and_none_names_personal_data()
    {
        var placeholders = Definitions.Where(d => d.Method.DeclaringType == typeof(BusinessEvents))
            .SelectMany(d => Placeholder().Matches(d.Definition.Message).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();

        Assert.NotEmpty(placeholders);
        Assert.All(placeholders, p => Assert.Contains(p, TelemetryNames.Dimensions));
        Assert.All(TelemetryNames.Dimensions, d => Assert.DoesNotMatch(Personal(), d));
    }

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("(?i)name$|nome|cpf|cns|birth|nasc|phone|telefone|address|endereco|email")]
    private static partial Regex Personal();
}
