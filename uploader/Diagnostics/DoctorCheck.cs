namespace PecLists.Uploader.Diagnostics;

/// <summary>
/// One check of <c>doctor</c>: a stable name, the failure category it stands for (contracts' <c>FailureCategories</c>:
/// the heartbeat's errorCode and the exit code when it is the first failure), the outcome, what was seen, the fix when
/// it did not pass, and a finer code for the heartbeat's checks.
/// </summary>
public sealed record DoctorCheck(string Name, string Category, DoctorOutcome Outcome, string Detail, string? Fix = null, string? Code = null)
{
    public static DoctorCheck Pass(string name, string category, string detail) => new(name, category, DoctorOutcome.Pass, detail);

    public static DoctorCheck Warn(string name, string category, string detail, string fix, string code) => new(name, category, DoctorOutcome.Warn, detail, fix, code);

    public static DoctorCheck Fail(string name, string category, string detail, string fix, string code) => new(name, category, DoctorOutcome.Fail, detail, fix, code);
}
