using System.Text.Json;
using PecLists.Contracts;
using PecLists.Functions.Lists;

namespace PecLists.Functions.Commands;

/// <summary>
/// Reads a list definition file: JSON with "sqlFile" pointing at the SQL beside it, and once signed the operator's
/// "signature", "signedAt", "signatureV2" and "signatureV3"; since ADR 0022 also "mode", "source", "incremental",
/// "schedule" and "views". An HTTP list has no SQL: "sql" and "sqlFile" may both be absent when "source" is http.
/// </summary>
public static class ListDefinitionFile
{
    public static ListDefinition Read(string path)
    {
        var file = JsonSerializer.Deserialize<FileShape>(File.ReadAllText(path), JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"{path} is empty.");
        var sql = file.Sql
            ?? (file.SqlFile is { } sqlFile ? File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, sqlFile))
                : file.Source?.Kind == SourceKinds.Http ? string.Empty
                : throw new InvalidOperationException($"{path}: 'sql' or 'sqlFile' is required."));
        return new ListDefinition(file.Name, file.Version, file.Description ?? string.Empty, sql.Trim(), file.Columns, file.Key, file.Signature, file.SignedAt, file.SignatureV2,
            file.Mode, file.Source, file.Incremental, file.Schedule, file.Views, file.SignatureV3);
    }

    private sealed record FileShape(string Name, int Version, string? Description, string? Sql, string? SqlFile, List<ListColumnDto> Columns, List<string> Key, string? Signature = null, DateTimeOffset? SignedAt = null, string? SignatureV2 = null,
        string? Mode = null, ListSourceDto? Source = null, IncrementalDto? Incremental = null, ScheduleDto? Schedule = null, List<DerivedViewDto>? Views = null, string? SignatureV3 = null);
}
