namespace PecLists.Functions.Lists;

/// <summary>How a publish or an activation ended (<see cref="ListPublishing"/>).</summary>
public enum ListPublishVerdict
{
    /// <summary>Stored (and activated when asked), with its audit row.</summary>
    Published,

    /// <summary>The definition breaks a rule (<see cref="ListDefinitionRules"/>), or one of its views does not compile; nothing stored.</summary>
    Invalid,

    /// <summary>Unsigned or mis-signed while the backend has a signing key, or a definition only v3 covers signed without it (<see cref="ListSignatureCheck"/>); nothing stored.</summary>
    BadSignature,

    /// <summary>Conflicts with the list's stored versions (<see cref="ListEvolution"/>) or with other lists' names and views; nothing stored.</summary>
    Conflict,

    /// <summary>An activation of a version that was never published.</summary>
    UnknownVersion,
}
