using System.Text.Json;
using System.Text.Json.Serialization;

namespace PecLists.Uploader.Spooling;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ListCache))]
internal sealed partial class ListCacheJson : JsonSerializerContext;
