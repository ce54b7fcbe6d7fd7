using System.Globalization;
using Microsoft.Extensions.Options;
using PecLists.Functions.Loading;

namespace PecLists.Functions.Hosting;

/// <summary>
/// A load's own limits must fire before the host's: statement timeout ≤ load deadline, and the wait for a slot plus the
/// deadline at least <see cref="Margin"/> before host.json's functionTimeout, so the load records a truthful "failed"
/// and is retried instead of being cut off by the host mid-way (the deadline starts once the slot is taken).
/// </summary>
public sealed class LoadTimeoutsValidator(string appRoot) : IValidateOptions<LoadOptions>
{
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, LoadOptions options)
    {
        var problems = new List<string>();
        if (options.StatementTimeoutSeconds > options.MaxLoadSeconds)
        {
            problems.Add($"Load:StatementTimeoutSeconds ({options.StatementTimeoutSeconds}) must not exceed Load:MaxLoadSeconds ({options.MaxLoadSeconds}).");
        }

        if (HostJson.FunctionTimeout(appRoot) is { } functionTimeout && TimeSpan.FromSeconds(options.MaxLoadSeconds) > functionTimeout - Margin)
        {
            problems.Add($"Load:MaxLoadSeconds ({options.MaxLoadSeconds}) must end at least {Margin.TotalSeconds:0} s before host.json's functionTimeout ({functionTimeout}).");
        }
        else if (HostJson.FunctionTimeout(appRoot) is { } timeout && TimeSpan.FromSeconds(options.SlotWaitSeconds + options.MaxLoadSeconds) > timeout - Margin)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"Load:SlotWaitSeconds ({options.SlotWaitSeconds}) + Load:MaxLoadSeconds ({options.MaxLoadSeconds}) must end at least {Margin.TotalSeconds:0} s before host.json's functionTimeout ({timeout})."));
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
