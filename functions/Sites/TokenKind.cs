namespace PecLists.Functions.Sites;

/// <summary>What a bearer token can be, told by its prefix alone.</summary>
public enum TokenKind
{
    None,
    Site,
    Admin,
}
