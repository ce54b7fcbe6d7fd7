namespace PecLists.Uploader.Config;

/// <summary>
/// The config's <c>maskingKey</c>: the fleet-wide secret the <c>hash</c> mask keys its HMAC with (base64 of at least 32
/// random bytes: <c>openssl rand -base64 32</c>) and its short public id, which every hashed value carries as a prefix
/// (<c>"2026a:…"</c>). The operator generates it once and gives the same id and key to every site with its config, as
/// the token is given; it is never in a list definition, never printed, never logged. README "Masking personal data".
/// </summary>
public sealed class MaskingKeySetting
{
    public string Id { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;
}
