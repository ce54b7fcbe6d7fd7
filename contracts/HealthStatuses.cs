namespace PecLists.Contracts;

/// <summary>
/// The vocabulary of GET /api/v1/health: the overall <c>status</c> (<see cref="Ok"/> or <see cref="Degraded"/>) and each
/// entry of <c>checks</c>, which is <see cref="Ok"/> or <see cref="DownPrefix"/> followed by a short, fixed reason.
/// </summary>
public static class HealthStatuses
{
    /// <summary>Everything checked answered (overall), or this dependency answered (a check).</summary>
    public const string Ok = "ok";

    /// <summary>At least one dependency is down; the app still answers what it can.</summary>
    public const string Degraded = "degraded";

    /// <summary>How a check that failed begins: "down: " and then why (never an exception message).</summary>
    public const string DownPrefix = "down: ";

    /// <summary>A failed check's value: <see cref="DownPrefix"/> and the reason.</summary>
    public static string Down(string reason) => DownPrefix + reason;
}
