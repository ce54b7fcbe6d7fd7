namespace LocalInfra;

/// <summary>The locale the uploader is started with: it picks its language (English / Portuguese) from it.</summary>
public static class UploaderLocale
{
    public const string English = "en_US.UTF-8";

    public const string Brazilian = "pt_BR.UTF-8";

    /// <summary>Environment for a child uploader: LC_ALL set to <paramref name="locale"/>, or nothing (inherit) when null.</summary>
    public static Dictionary<string, string?> Environment(string? locale) =>
        locale is null ? [] : new() { ["LC_ALL"] = locale, ["LC_MESSAGES"] = null, ["LANG"] = locale };
}
