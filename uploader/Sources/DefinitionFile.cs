using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Sources;

/// <summary>
/// A list definition read from a local JSON file (the lists/*.json shape; "sql" inline, as served), for
/// <c>extract --definition</c>: an IT person or the benchmark runs one list of any source kind without the backend.
/// Its signature is not checked: nothing is sent.
/// </summary>
public static class DefinitionFile
{
    public static ListDefinitionDto Read(string path)
    {
        try
        {
            var definition = JsonSerializer.Deserialize(File.ReadAllText(path), ContractsJsonContext.Default.ListDefinitionDto)
                ?? throw new JsonException("empty");
            return definition with { Sql = definition.Sql ?? string.Empty, Columns = definition.Columns ?? [], Key = definition.Key ?? [] };
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            throw new ConfigException(Localized.Text(
                $"{path} is not a readable list definition (JSON): {ex.Message}",
                $"{path} não é uma definição de lista legível (JSON): {ex.Message}"));
        }
    }
}
