using System.Globalization;

namespace PecLists.Uploader.Localization;

/// <summary>
/// Every message a person reads is written in both languages at the place it is said, so neither can be forgotten:
/// <c>Localized.Text("disk full", "disco cheio")</c>. The language is Portuguese where the OS locale is Portuguese
/// (LC_ALL / LC_MESSAGES / LANG on Linux, the display language on Windows), else the one the installer recorded in
/// the config (cron starts jobs without LANG), else English.
/// </summary>
public static class Localized
{
    private static readonly AsyncLocal<Language?> Scoped = new();
    private static readonly string[] LocaleVariables = ["LC_ALL", "LC_MESSAGES", "LANG"];
    private static readonly CultureInfo Brazilian = BrazilianNumbers();
    private static Language? _fromConfig;

    /// <summary>The OS locale's language, or null when it names none (C, POSIX, invariant).</summary>
    public static Language? FromOperatingSystem { get; private set; } = Parse(OperatingSystem.IsWindows() ? WindowsDisplayLanguage() : UnixLocale());

    public static Language Current => Scoped.Value ?? FromOperatingSystem ?? _fromConfig ?? Language.English;

    public static string Text(string english, string portuguese) => Current == Language.Portuguese ? portuguese : english;

    /// <summary>As <see cref="Text"/>, with numbers formatted for the language (1.234,5 in Portuguese).</summary>
    public static string Format(FormattableString english, FormattableString portuguese) =>
        (Current == Language.Portuguese ? portuguese : english).ToString(Culture);

    /// <summary>
    /// The culture numbers are shown in: decimal comma and dot grouping in Portuguese. Built from the invariant
    /// culture because servers often lack ICU (then .NET runs globalization-invariant and knows no pt-BR).
    /// </summary>
    public static CultureInfo Culture => Current == Language.Portuguese ? Brazilian : CultureInfo.InvariantCulture;

    /// <summary>Tests pin the process default so they read the same whatever the machine's locale.</summary>
    internal static void PinOperatingSystemLanguage(Language? language) => FromOperatingSystem = language;

    /// <summary>Called once at start-up with the config's "language" (used only when the OS locale names none).</summary>
    public static void UseConfigured(string? language) => _fromConfig = Parse(language);

    /// <summary>Speaks <paramref name="language"/> in this async flow until disposed (tests; the --lang option).</summary>
    public static IDisposable Use(Language language)
    {
        var previous = Scoped.Value;
        Scoped.Value = language;
        return new Restore(() => Scoped.Value = previous);
    }

    /// <summary>"pt_BR.UTF-8", "pt-BR", "pt" → Portuguese; "en_US", "es" → English; "", "C", "POSIX" → null.</summary>
    public static Language? Parse(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale))
        {
            return null;
        }

        var name = locale.Split('.', '@')[0].Trim();
        if (name.Length == 0 || name is "C" or "POSIX")
        {
            return null;
        }

        return name.StartsWith("pt", StringComparison.OrdinalIgnoreCase) ? Language.Portuguese : Language.English;
    }

    /// <summary>The tag recorded in the config by install ("pt-BR" / "en").</summary>
    public static string Tag(Language language) => language == Language.Portuguese ? "pt-BR" : "en";

    /// <summary>POSIX precedence: LC_ALL, then LC_MESSAGES, then LANG; the first one set decides.</summary>
    private static string? UnixLocale() =>
        LocaleVariables.Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    /// <summary>
    /// The user's display language. The uploader runs globalization-invariant (no ICU needed on the server), where
    /// CultureInfo cannot tell, so ask Windows directly.
    /// </summary>
    private static string? WindowsDisplayLanguage()
    {
        var buffer = new char[85];
        var length = GetUserDefaultLocaleName(buffer, buffer.Length);
        return length > 1 ? new string(buffer, 0, length - 1) : null;
    }

    [System.Runtime.InteropServices.DllImport("kernel32.dll", CharSet = System.Runtime.InteropServices.CharSet.Unicode)]
    private static extern int GetUserDefaultLocaleName(char[] buffer, int length);

    private static CultureInfo BrazilianNumbers()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        return CultureInfo.ReadOnly(culture);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
