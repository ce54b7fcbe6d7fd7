using System.Text.Json.Serialization;

namespace PecLists.Uploader.Updating;

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(LauncherState))]
internal sealed partial class LauncherStateJson : JsonSerializerContext;
