namespace LocalInfra.FakeApis;

/// <summary>What a fake API page does instead of answering plainly: the failures real APIs show.</summary>
public enum PageQuirkKind
{
    /// <summary>On its first attempt the page sends half its rows, then stalls until the server stops.</summary>
    StallsOnce,

    /// <summary>HTTP 500 on the first attempt, the page on the next.</summary>
    ServerErrorOnce,

    /// <summary>HTTP 500 on every attempt.</summary>
    ServerErrorAlways,

    /// <summary>HTTP 429 with <c>Retry-After: Seconds</c> on the first attempt, the page on the next.</summary>
    TooManyRequestsOnce,

    /// <summary>The page's rows lack the member <c>Field</c> (from row <c>FromRow</c> on).</summary>
    FieldMissing,

    /// <summary>An HTML maintenance page with status 200.</summary>
    Html,

    /// <summary>The next-page link points back at page <c>Page</c>.</summary>
    LinksBackTo,

    /// <summary>HTTP 401 unless the request carries the expected key.</summary>
}
