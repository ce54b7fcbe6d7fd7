namespace HostStandIn;

/// <summary>The pop receipt of a message being processed: each renewal of its lease replaces it.</summary>
public sealed class LeaseReceipt(string popReceipt)
{
    public string PopReceipt { get; set; } = popReceipt;
}
