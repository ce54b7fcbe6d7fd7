namespace PecLists.Functions.Loading;

/// <summary>Why a snapshot is held instead of applied: a stable code and a reason without data values.</summary>
public sealed record LoadHold(string Code, string Reason);
