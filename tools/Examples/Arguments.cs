using System.Globalization;

namespace Examples;

/// <summary>The command line: the example's name first, then <c>--name value</c> options and <c>--flag</c> switches.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public Arguments(string[] args)
    {
        Command = args.Length > 0 ? args[0] : string.Empty;
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            var name = args[i];
            _options[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
        }
    }

    public string Command { get; }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Text(string name) => _options.GetValueOrDefault(name);

    public double Number(string name, double fallback) =>
        _options.TryGetValue(name, out var text) && text is not null
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : throw new ArgumentException($"{name} must be a positive number")
            : fallback;
}
