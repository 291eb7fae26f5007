using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Vigil.WebRtc.Turn;

/// A parsed `stun:`/`turn:` URI (RFC 7064 / RFC 7065): host, port and transport. Only UDP
/// TURN is implemented; `turns:` and `?transport=tcp` are recognised and skipped.
internal sealed record TurnServerAddress(bool IsTurn, bool Secure, string Host, int Port, string Transport)
{
    public static bool TryParse(string? uri, [NotNullWhen(true)] out TurnServerAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(uri))
        {
            return false;
        }

        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var scheme = uri[..colon].ToLowerInvariant();
        var (isTurn, secure) = scheme switch
        {
            "stun" => (false, false),
            "stuns" => (false, true),
            "turn" => (true, false),
            "turns" => (true, true),
            _ => (false, false),
        };
        if (scheme is not ("stun" or "stuns" or "turn" or "turns"))
        {
            return false;
        }

        var rest = uri[(colon + 1)..];
        var transport = secure ? "tcp" : "udp";
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            var parameters = rest[(query + 1)..];
            rest = rest[..query];
            foreach (var part in parameters.Split('&'))
            {
                if (part.StartsWith("transport=", StringComparison.OrdinalIgnoreCase))
                {
                    transport = part["transport=".Length..].ToLowerInvariant();
                }
            }
        }

        string host;
        var port = secure ? 5349 : 3478;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = rest[1..close];
            rest = rest[(close + 1)..];
            if (rest.StartsWith(':') && !int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return false;
            }
        }
        else
        {
            var portColon = rest.LastIndexOf(':');
            host = portColon >= 0 ? rest[..portColon] : rest;
            if (portColon >= 0 && !int.TryParse(rest[(portColon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return false;
            }
        }

        if (host.Length == 0 || port is < 1 or > 65535)
        {
            return false;
        }

        address = new TurnServerAddress(isTurn, secure, host, port, transport);
        return true;
    }
}
