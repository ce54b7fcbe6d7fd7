namespace PecLists.Functions.Sites;

/// <summary>A site as the operator lists it: code, name, since when, and how many live tokens it has.</summary>
public sealed record SiteSummary(string Ibge, string Name, DateTime CreatedAt, long ActiveTokens);
