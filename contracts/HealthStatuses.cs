namespace PecLists.Contracts;

/// <summary>The <c>status</c> of GET /api/v1/health and the value of each of its checks when the dependency is up.</summary>
public static class HealthStatuses
{
    public const string Ok = "ok";
    public const string Degraded = "degraded";
}
