using System.Globalization;
using System.Net;
using System.Text;

namespace Vigil.WebRtc.Ice;

// An ICE candidate as signalled in SDP or trickled (RFC 8839 §5.1). Address is kept as text:
// Chromium hides host addresses behind `<uuid>.local` mDNS names by default.
internal sealed record IceCandidate(
    string Foundation,
    int Component,
    string Transport,
    uint Priority,
    string Address,
    int Port,
    IceCandidateType Type,
    string? RelatedAddress = null,
    int RelatedPort = 0,
    string? UsernameFragment = null)
{
    public bool IsUdp => Transport.Equals("udp", StringComparison.OrdinalIgnoreCase);

    /// RFC 8839 §5.1 allows FQDNs; Chromium uses mDNS names (`*.local`), which v1 does not resolve
    /// (design M4 §9): such candidates are ignored and the peer-reflexive candidate learned from
    /// the browser's first check takes their place.
    public bool IsMdns => Address.EndsWith(".local", StringComparison.OrdinalIgnoreCase);

    public IPEndPoint? EndPoint =>
        IPAddress.TryParse(Address, out var ip) ? new IPEndPoint(Stun.StunAddress.Normalize(ip), Port) : null;

    /// RFC 8839 §5.1 candidate-attribute value (what follows "a="), e.g.
    /// `candidate:1 1 udp 2130706431 198.18.0.1 50000 typ host`.
    public string ToAttributeValue()
    {
        var text = new StringBuilder(128);
        text.Append(CultureInfo.InvariantCulture, $"candidate:{Foundation} {Component} {Transport.ToLowerInvariant()} {Priority} {Address} {Port} typ {TypeToken(Type)}");
        if (RelatedAddress is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" raddr {RelatedAddress} rport {RelatedPort}");
        }

        if (UsernameFragment is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" ufrag {UsernameFragment}");
        }

        return text.ToString();
    }

    public static string TypeToken(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => "host",
        IceCandidateType.ServerReflexive => "srflx",
        IceCandidateType.PeerReflexive => "prflx",
        _ => "relay",
    };

    /// Parses `candidate:…` with or without a leading `a=`; returns false on anything that does
    /// not follow the RFC 8839 §5.1 grammar. Unknown extension pairs (`generation 0`,
    /// `network-id 1`, `network-cost 999`) are tolerated; `ufrag` is kept.
    public static bool TryParse(string? line, out IceCandidate candidate)
    {
        candidate = null!;
        if (string.IsNullOrWhiteSpace(line) || line.Length > 1024)
        {
            return false;
        }

        var text = line.Trim();
        if (text.StartsWith("a=", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        if (!text.StartsWith("candidate:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var parts = text["candidate:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 8 || parts[6] != "typ")
        {
            return false;
        }

        if (!IsIceChars(parts[0], 32)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var component) || component is < 1 or > 256
            || !uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var priority)
            || !int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535
            || parts[4].Length == 0)
        {
            return false;
        }

        IceCandidateType type;
        switch (parts[7])
        {
            case "host": type = IceCandidateType.Host; break;
            case "srflx": type = IceCandidateType.ServerReflexive; break;
            case "prflx": type = IceCandidateType.PeerReflexive; break;
            case "relay": type = IceCandidateType.Relay; break;
            default: return false;
        }

        string? relatedAddress = null;
        var relatedPort = 0;
        string? ufrag = null;
        for (var i = 8; i + 1 < parts.Length; i += 2)
        {
            switch (parts[i])
            {
                case "raddr":
                    relatedAddress = parts[i + 1];
                    break;
                case "rport":
                    if (!int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out relatedPort) || relatedPort > 65535)
                    {
                        return false;
                    }

                    break;
                case "ufrag":
                    ufrag = parts[i + 1];
                    break;
                default:
                    break;
            }
        }

        candidate = new IceCandidate(parts[0], component, parts[2], priority, parts[4], port, type, relatedAddress, relatedPort, ufrag);
        return true;
    }

    // RFC 8839 §5.1: ice-char = ALPHA / DIGIT / "+" / "/".
    private static bool IsIceChars(string value, int maxLength)
    {
        if (value.Length is 0 || value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}
