namespace PecLists.Contracts;

/// <summary>
/// One rule a refused list publish broke: an item of the problem's <see cref="PublishCodes.ProblemMember"/> array.
/// <c>Code</c> is one of <see cref="PublishCodes"/>; <c>Detail</c> says what to do, for a person.
/// </summary>
public sealed record PublishRefusalDto(string Code, string Detail);
