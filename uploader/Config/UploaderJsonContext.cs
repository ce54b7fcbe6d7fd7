using System.Text.Json;
using System.Text.Json.Serialization;

namespace PecLists.Uploader.Config;

// RespectNullableAnnotations: a hand-edited "sites": null (or any null setting) is a config error, not a crash later on.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(UploaderConfig))]
public sealed partial class UploaderJsonContext : JsonSerializerContext;
