using System.Text.Json.Serialization;

namespace Ingest.Uploader.Spooling;

[JsonSerializable(typeof(SpoolState))]
internal sealed partial class SpoolStateJson : JsonSerializerContext;
