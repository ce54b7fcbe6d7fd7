using System.Text.Json;
using System.Text.Json.Serialization;

namespace PecLists.Uploader.Spooling;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<SentSnapshot>))]
internal sealed partial class SentLogJson : JsonSerializerContext;
