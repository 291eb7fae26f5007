using System.Globalization;

namespace Vigil.WebRtc.Sdp;

/// A parsed session description (RFC 8866). Only the structure the answerer needs is kept:
/// the origin, session-level attributes and the media sections with their attributes. Unknown
/// line types are ignored (RFC 8866 §5); malformed lines raise <see cref="SdpException"/>.
internal sealed class SdpSessionDescription
{
    private readonly List<SdpAttribute> _attributes = [];
    private readonly List<SdpMediaDescription> _media = [];

    private SdpSessionDescription()
    {
    }

    public string OriginSessionId { get; private set; } = "0";

    public ulong OriginVersion { get; private set; }

    public IReadOnlyList<SdpAttribute> Attributes => _attributes;

    public IReadOnlyList<SdpMediaDescription> Media => _media;

    public string? Value(string name) => _attributes.Find(a => a.Name == name).Value;

    public bool Has(string name) => _attributes.Exists(a => a.Name == name);

    public IEnumerable<string> Values(string name) =>
        _attributes.Where(a => a.Name == name && a.Value is not null).Select(a => a.Value!);

    /// A media-level attribute, falling back to the session level (RFC 8839 §5.4 for ICE
    /// credentials, RFC 8122 §5 for fingerprints, RFC 4145 for setup).
    public string? MediaOrSession(SdpMediaDescription media, string name) => media.Value(name) ?? Value(name);

    public static SdpSessionDescription Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 256 * 1024)
        {
            throw new SdpException("Session description larger than 256 KiB.");
        }

        var description = new SdpSessionDescription();
        SdpMediaDescription? current = null;
        var lineNumber = 0;
        var sawVersion = false;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            // RFC 8866 §5: <type>=<value>, type is exactly one case-significant character.
            if (line.Length < 2 || line[1] != '=')
            {
                throw new SdpException($"Line {lineNumber} is not of the form <type>=<value>.");
            }

            var value = line[2..];
            switch (line[0])
            {
                case 'v':
                    if (value != "0")
                    {
                        throw new SdpException($"Unsupported SDP version '{value}'.");
                    }

                    sawVersion = true;
                    break;
                case 'o':
                    description.ParseOrigin(value, lineNumber);
                    break;
                case 'm':
                    current = ParseMediaLine(value, lineNumber);
                    description._media.Add(current);
                    break;
                case 'a':
                    var attribute = ParseAttribute(value);
                    if (current is null)
                    {
                        description._attributes.Add(attribute);
                    }
                    else
                    {
                        current.Add(attribute);
                    }

                    break;
                default:
                    // s=, t=, c=, b=, i=, u=, e=, p=, z=, k=, r= carry nothing the answerer uses.
                    break;
            }
        }

        if (!sawVersion)
        {
            throw new SdpException("Missing v=0 line.");
        }

        return description;
    }

    private void ParseOrigin(string value, int lineNumber)
    {
        // RFC 8866 §5.2: o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6 || !ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new SdpException($"Line {lineNumber}: malformed o= line.");
        }

        OriginSessionId = parts[1];
        OriginVersion = version;
    }

    private static SdpMediaDescription ParseMediaLine(string value, int lineNumber)
    {
        // RFC 8866 §5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 4)
        {
            throw new SdpException($"Line {lineNumber}: malformed m= line.");
        }

        var portText = parts[1];
        var slash = portText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            portText = portText[..slash];
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new SdpException($"Line {lineNumber}: bad port in m= line.");
        }

        return new SdpMediaDescription(parts[0], port, parts[2], parts[3..]);
    }

    private static SdpAttribute ParseAttribute(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? new SdpAttribute(value.Trim(), null) : new SdpAttribute(value[..colon].Trim(), value[(colon + 1)..].Trim());
    }
}
