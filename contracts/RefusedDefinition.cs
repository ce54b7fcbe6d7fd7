namespace PecLists.Contracts;

/// <summary>
/// A list definition the uploader did not run because its signature is missing or does not verify with the key pinned
/// at install (<c>Code</c>: <see cref="DefinitionCodes"/>). <c>KeyId</c> names the pinned key, never the SQL.
/// </summary>
public sealed record RefusedDefinition(string List, int Version, string Code, string KeyId);
