using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Transport;

public sealed class BackendAuthException() : Exception(Localized.Text("The backend refused the site token (401/403).", "O servidor central recusou o token do município (401/403)."));
