namespace PecLists.Contracts;

/// <summary>Why the uploader refused a list definition (heartbeat <c>refusedDefinitions[].code</c> and run error code).</summary>
public static class DefinitionCodes
{
    /// <summary>The run's error code when it refused a definition, whichever the reason.</summary>
    public const string Signature = "definition-signature";

    /// <summary>The definition carries no signature (published unsigned).</summary>
    public const string NotSigned = "definition-unsigned";

    /// <summary>The signature does not verify with the pinned key: changed after signing, or signed with another key.</summary>
    public const string BadSignature = "definition-signature";

    /// <summary>
    /// Signed, but its SQL is not one statement (<see cref="SqlStatement"/>): it could leave the read-only transaction
    /// the uploader runs it in. Reported under the run's <see cref="Signature"/> error code.
    /// </summary>
    public const string NotOneStatement = "definition-not-one-statement";
}
