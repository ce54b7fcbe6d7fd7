using System.Text.Json.Serialization;

namespace PecLists.Uploader.Tests;

/// <summary>Source-generated JSON for what tests serialize themselves.</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class TestJson : JsonSerializerContext;
