namespace Vigil.WebRtc.Sdp;

/// One media section of an offer (RFC 8866 §5.14): the m= line and its attributes.
internal sealed class SdpMediaDescription(string media, int port, string protocol, IReadOnlyList<string> formats)
{
    private readonly List<SdpAttribute> _attributes = [];

    public string Media { get; } = media;

    public int Port { get; } = port;

    public string Protocol { get; } = protocol;

    /// Payload types (RTP) or format tokens (SCTP) in offer order.
    public IReadOnlyList<string> Formats { get; } = formats;

    public IReadOnlyList<SdpAttribute> Attributes => _attributes;

    public string? Mid => Value("mid");

    public bool IsRtp => Protocol.Contains("RTP", StringComparison.Ordinal);

    internal void Add(SdpAttribute attribute) => _attributes.Add(attribute);

    public bool Has(string name) => _attributes.Exists(a => a.Name == name);

    public string? Value(string name) => _attributes.Find(a => a.Name == name).Value;

    public IEnumerable<string> Values(string name) =>
        _attributes.Where(a => a.Name == name && a.Value is not null).Select(a => a.Value!);

    /// RFC 3264 §6.1 direction attribute of the section; sendrecv when absent.
    public string Direction =>
        _attributes.Select(a => a.Name).LastOrDefault(n => n is "sendrecv" or "sendonly" or "recvonly" or "inactive") ?? "sendrecv";

    // `a=rtpmap:<pt> <encoding>/<clock>[/<channels>]` for a payload type (RFC 8866 §6.6).
    public string? RtpMap(string payloadType) => ForPayloadType("rtpmap", payloadType);

    // `a=fmtp:<pt> <parameters>` (RFC 8866 §6.15).
    public string? Fmtp(string payloadType) => ForPayloadType("fmtp", payloadType);

    // `a=rtcp-fb:<pt> <type> [<subtype>]` values for a payload type, plus the `*` wildcard (RFC 4585 §4.2).
    public IEnumerable<string> RtcpFeedback(string payloadType) =>
        Values("rtcp-fb").Select(v => SplitPayloadType(v)).Where(p => p.Pt == payloadType || p.Pt == "*").Select(p => p.Tail);

    private string? ForPayloadType(string name, string payloadType) =>
        Values(name).Select(v => SplitPayloadType(v)).Where(p => p.Pt == payloadType).Select(p => p.Tail).FirstOrDefault();

    private static (string Pt, string Tail) SplitPayloadType(string value)
    {
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (value, string.Empty) : (value[..space], value[(space + 1)..].Trim());
    }
}
