using System.Text.Json;
using System.Text.Json.Serialization;

namespace PecLists.Contracts;

/// <summary>Source-generated JSON metadata so the NativeAOT uploader needs no reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ListCatalogDto))]
[JsonSerializable(typeof(SnapshotStatusDto))]
[JsonSerializable(typeof(HeartbeatDto))]
[JsonSerializable(typeof(UploadSessionRequestDto))]
[JsonSerializable(typeof(UploadSessionDto))]
[JsonSerializable(typeof(UnreportedRun[]))]
[JsonSerializable(typeof(SignedListContent))]
[JsonSerializable(typeof(DatedSignedListContent))]
[JsonSerializable(typeof(FullSignedListContent))]
[JsonSerializable(typeof(ListCursorDto))]
[JsonSerializable(typeof(ReleaseManifestDto))]
[JsonSerializable(typeof(SignedReleaseContent))]
[JsonSerializable(typeof(UnchangedDeliveryDto))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
