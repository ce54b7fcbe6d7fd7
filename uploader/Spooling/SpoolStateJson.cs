using System.Text.Json.Serialization;

namespace PecLists.Uploader.Spooling;

[JsonSerializable(typeof(SpoolState))]
internal sealed partial class SpoolStateJson : JsonSerializerContext;
