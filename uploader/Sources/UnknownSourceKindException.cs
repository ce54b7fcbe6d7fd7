namespace PecLists.Uploader.Sources;

/// <summary>A verified definition whose <c>source.kind</c> this uploader has no source for.</summary>
public sealed class UnknownSourceKindException(string kind) : Exception($"unknown source kind '{kind}'")
{
    public string Kind { get; } = kind;
}
