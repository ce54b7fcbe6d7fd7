namespace PecLists.Uploader.Installation;

/// <summary>
/// What the backend said of install's token: the site it belongs to and how many lists it sends, or that it refused the
/// token, or why it could not be asked (<paramref name="Error"/>, through <paramref name="Proxy"/> when one was used).
/// </summary>
public sealed record SiteLookup(string? Site, int ListCount, bool TokenRefused = false, string? Error = null, string? Proxy = null);
