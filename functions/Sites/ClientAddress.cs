using System.Net;
using System.Net.Sockets;

namespace PecLists.Functions.Sites;

/// <summary>
/// The caller's address as a rate-limit partition key. Under the Functions host every request reaches the handler from
/// the host on loopback, so the socket's address says nothing; the host copies the incoming headers as they are
/// (tools/HostStandIn/HttpForwarding.cs, docs/adr/0006), and Azure's front end appends the address it received the
/// connection from to X-Forwarded-For. The last entry is therefore the one a client cannot choose (entries before it
/// are whatever the client sent). Without the header (the app run by itself) the socket's address is used.
/// IPv6 addresses are cut to their /48: the largest block one end site is normally given (RFC 6177 lets a registry hand a
/// subscriber anything from a /64 to a /48; RIPE-690 recommends a /48 for businesses and at least a /56 for homes), so
/// one subscriber, however large its block, is one partition instead of 65,536 (/64) or 256 (/56). Grouping wider costs
/// nothing to anyone with a real token, which skips the failure budgets (<see cref="TokenLookupLimiter"/>): the only
/// price is that strangers in one /48 share the budget for made-up tokens.
/// </summary>
public static class ClientAddress
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    /// <summary>An IPv6 client is its /48.</summary>
    private const int PrefixBytes = 6;

    public static string Of(HttpContext context)
    {
        var forwarded = context.Request.Headers[ForwardedForHeader];
        if (forwarded.Count > 0)
        {
            var last = forwarded[forwarded.Count - 1] ?? string.Empty;
            var entry = last[(last.LastIndexOf(',') + 1)..].Trim();
            if (TryParse(entry, out var address))
            {
                return Key(address);
            }

            // Present but unreadable: still a partition of its own, never the shared loopback one.
            return "xff:" + (entry.Length > 64 ? entry[..64] : entry);
        }

        return context.Connection.RemoteIpAddress is { } remote ? Key(remote) : "unknown";
    }

    /// <summary>"203.0.113.7", "203.0.113.7:51234", "2001:db8::1" or "[2001:db8::1]:51234" (App Service may add the port).</summary>
    private static bool TryParse(string entry, out IPAddress address)
    {
        if (IPEndPoint.TryParse(entry, out var endpoint))
        {
            address = endpoint.Address;
            return true;
        }

        address = IPAddress.None;
        return false;
    }

    private static string Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, PrefixBytes, bytes.Length - PrefixBytes);
        return new IPAddress(bytes) + "/" + (PrefixBytes * 8).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
