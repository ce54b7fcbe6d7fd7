namespace LocalInfra.FakeApis;

/// <summary>A page's quirk and its parameters.</summary>
public sealed record PageQuirk(PageQuirkKind Kind, int Seconds = 0, string? Field = null, int FromRow = 0, int Page = 0)
{
    public static PageQuirk StallsOnce() => new(PageQuirkKind.StallsOnce);

    public static PageQuirk ServerErrorOnce() => new(PageQuirkKind.ServerErrorOnce);

    public static PageQuirk ServerErrorAlways() => new(PageQuirkKind.ServerErrorAlways);

    public static PageQuirk TooManyRequestsOnce(int retryAfterSeconds) => new(PageQuirkKind.TooManyRequestsOnce, Seconds: retryAfterSeconds);

    public static PageQuirk FieldMissing(string field, int fromRow = 0) => new(PageQuirkKind.FieldMissing, Field: field, FromRow: fromRow);

    public static PageQuirk Html() => new(PageQuirkKind.Html);

    public static PageQuirk LinksBackTo(int page) => new(PageQuirkKind.LinksBackTo, Page: page);
}
