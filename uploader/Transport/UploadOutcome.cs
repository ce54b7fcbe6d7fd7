namespace PecLists.Uploader.Transport;

public enum UploadOutcome
{
    Accepted,

    /// <summary>The backend refused the snapshot's content (a 4xx whose problem code says so): a resend cannot fix it.</summary>
    Rejected,

    /// <summary>
    /// Refused (4xx) for a reason a later resend can fix: damaged in transit (bad-digest), the list not active yet
    /// (unknown-list), a proxy's refusal (411, a 4xx without a problem code), any code not known to mean bad content.
    /// </summary>
    Deferred,
    Unauthorized,
    Unreachable,
}
