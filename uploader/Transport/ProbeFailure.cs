namespace PecLists.Uploader.Transport;

/// <summary>Why <see cref="BackendClient.ProbeAsync"/> failed, so doctor can suggest the right fix.</summary>
public enum ProbeFailure
{
    None,
    Status,
    Network,
    Tls,
    Certificate,
    ProxyUnreachable,
    ProxyRefused,
}
