namespace PecLists.Functions.Lists;

/// <summary>How a publish ended (<see cref="ListPublishing.PublishAsync"/>).</summary>
public enum ListPublishVerdict
{
    /// <summary>Stored (and activated when asked), with its audit row.</summary>
    Published,

    /// <summary>The definition breaks a rule (<see cref="ListDefinitionRules"/>); nothing stored.</summary>
    Invalid,

    /// <summary>Unsigned or mis-signed while the backend has a signing key (<see cref="ListSignatureCheck"/>); nothing stored.</summary>
    BadSignature,

    /// <summary>Conflicts with the list's stored versions (<see cref="ListEvolution"/>); nothing stored.</summary>
    Conflict,
}
