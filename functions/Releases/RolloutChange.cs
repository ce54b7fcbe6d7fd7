namespace PecLists.Functions.Releases;

/// <summary>What an operator's rollout command did, or why it changed nothing (in words an operator can act on).</summary>
public sealed record RolloutChange(bool Done, string Message);
