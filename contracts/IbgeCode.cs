namespace PecLists.Contracts;

/// <summary>A site is a municipality, named by its 7-digit IBGE code (e.g. 2611606, Recife).</summary>
public static class IbgeCode
{
    public const int Length = 7;

    public static bool IsValid(string? code) => code is { Length: Length } && code.All(char.IsAsciiDigit);
}
