namespace PecLists.Functions.Lists;

/// <summary>A list version that cannot be published next to the stored ones (see <see cref="ListEvolution"/>); the message says what to do.</summary>
public sealed class ListPublishRefusedException(string message) : InvalidOperationException(message);
