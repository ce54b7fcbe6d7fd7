namespace PecLists.Uploader.Commands;

/// <summary>One check of <c>doctor</c>: a stable name, the outcome, what was seen, and the fix when it failed.</summary>
public sealed record DoctorCheck(string Name, DoctorOutcome Outcome, string Detail, string? Fix = null, string? Code = null);
