namespace PecLists.Functions.Lists;

/// <summary>
/// A list version refused inside the publish transaction, which is rolled back: it conflicts with the stored versions or
/// with other lists (<see cref="ListEvolution"/>, <see cref="DerivedViews"/>: <see cref="ListPublishVerdict.Conflict"/>), or
/// PostgreSQL would not create one of its views (<see cref="ListPublishVerdict.Invalid"/>). The message says what to do.
/// </summary>
public sealed class ListPublishRefusedException(string message, ListPublishVerdict verdict, IReadOnlyList<ListRefusal> refusals)
    : InvalidOperationException(message)
{
    public ListPublishVerdict Verdict { get; } = verdict;

    public IReadOnlyList<ListRefusal> Refusals { get; } = refusals;
}
