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

    /// <summary>No v2 signature (signed before definitions carried their signing time): re-sign it with today's <c>lists sign</c>.</summary>
    public const string Undated = "definition-undated";

    /// <summary>Signed longer ago than the uploader accepts (<c>listDefinitionMaxAgeDays</c>): re-sign and publish it again.</summary>
    public const string Expired = "definition-expired";

    /// <summary>A lower version than one this uploader already ran: an older definition served again (a replay).</summary>
    public const string Rollback = "definition-rollback";

    /// <summary>
    /// Signed, but its SQL is not one statement (<see cref="SqlStatement"/>): it could leave the read-only transaction
    /// the uploader runs it in. Reported under the run's <see cref="Signature"/> error code.
    /// </summary>
    public const string NotOneStatement = "definition-not-one-statement";

    /// <summary>
    /// Signed (v3), but it asks for something this uploader does not know (a source kind, mode, mask or format of a
    /// later version): it is not run rather than run without it. Update the uploader.
    /// </summary>
    public const string Unsupported = "definition-unsupported";
}
