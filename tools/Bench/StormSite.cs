namespace Bench;

/// <summary>One simulated municipality of the storm: its database on the municipal cluster, its site token, and how many hipertensos rows its next-day run changes.</summary>
public sealed record StormSite(string Ibge, string Database, string Token, long ChangedRows);
