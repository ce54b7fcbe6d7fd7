namespace PecLists.Functions.Loading;

/// <summary>A load that can never succeed as sent (bad data, wrong columns): reject at once, do not retry.</summary>
public sealed class PermanentLoadException(string code, string reason, Exception? inner = null) : Exception(reason, inner)
{
    public string Code { get; } = code;
}
