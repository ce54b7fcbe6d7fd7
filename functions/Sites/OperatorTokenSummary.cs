namespace PecLists.Functions.Sites;

/// <summary>An operator token as listed: never the token, only who it is for and whether it still works.</summary>
public sealed record OperatorTokenSummary(Guid TokenId, string Name, DateTime CreatedAt, DateTime? RevokedAt);
