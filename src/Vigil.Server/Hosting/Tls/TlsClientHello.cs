using System.Buffers;
using System.Buffers.Binary;
using System.Net.Security;
using System.Text;

namespace Vigil.Server.Hosting.Tls;

/// <summary>
/// What a client's TLS ClientHello says about where it wants to go: the server name it asked for (SNI) and the
/// application protocols it offers (ALPN). Read from the connection before the TLS handshake starts, so that a
/// port can pick the protocol and whether to ask for a client certificate (the front door), or say in the log
/// why a handshake is refused (an MQTT port offered only <c>h2</c>).
/// </summary>
/// <param name="ServerName">The <c>host_name</c> of the server_name extension, lower-case; null when absent.</param>
/// <param name="ApplicationProtocols">The ALPN protocols in the client's order; empty when it offers none.</param>
internal sealed record TlsClientHello(string? ServerName, IReadOnlyList<SslApplicationProtocol> ApplicationProtocols)
{
    /// <summary>
    /// The largest ClientHello accepted (the handshake message body). OpenSSL, under SslStream here, refuses
    /// larger ones too; real ones are a few hundred bytes to about 2 KB (with post-quantum key shares).
    /// </summary>
    public const int MaxLength = 16 * 1024;

    // RFC 8446 §5.1: the record layer.
    private const byte HandshakeContentType = 22;
    private const int RecordHeaderLength = 5;
    private const int MaxRecordLength = 16 * 1024;

    // RFC 8446 §4: the handshake header, msg_type 1 = client_hello.
    private const byte ClientHelloType = 1;
    private const int HandshakeHeaderLength = 4;

    private const ushort ServerNameExtension = 0;           // RFC 6066 §3
    private const ushort ApplicationProtocolExtension = 16; // RFC 7301 §3.1

    public bool OffersApplicationProtocols => ApplicationProtocols.Count > 0;

    /// <summary>The offered protocols for a log line, e.g. <c>h2, http/1.1</c>, or <c>none</c>.</summary>
    public string DescribeApplicationProtocols() => Describe(ApplicationProtocols);

    public static string Describe(IEnumerable<SslApplicationProtocol> protocols)
    {
        var names = protocols.Select(p => DisplayText.Printable(Encoding.ASCII.GetString(p.Protocol.Span), 32)).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    /// <summary>Whether the client offers one of <paramref name="protocols"/>.</summary>
    public bool Offers(IEnumerable<SslApplicationProtocol> protocols) => ApplicationProtocols.Any(protocols.Contains);

    /// <summary>
    /// Reads the ClientHello at the start of <paramref name="buffer"/> (the first bytes a client sends), which
    /// may span several records. Never throws on untrusted input: <see cref="TlsClientHelloStatus.Invalid"/>
    /// with <paramref name="problem"/> says what is wrong.
    /// </summary>
    public static TlsClientHelloStatus TryRead(ReadOnlySequence<byte> buffer, out TlsClientHello? hello, out string? problem)
    {
        hello = null;
        var status = TryReassemble(buffer, out var message, out problem);
        if (status != TlsClientHelloStatus.Complete)
        {
            return status;
        }

        if (!TryParseBody(message, out hello, out problem))
        {
            return TlsClientHelloStatus.Invalid;
        }

        return TlsClientHelloStatus.Complete;
    }

    /// <summary>
    /// RFC 8446 §5.1: handshake messages may be fragmented across records of type handshake (22), each
    /// <c>type(1) legacy_record_version(2) length(2) fragment</c>. Collects fragments until the ClientHello
    /// (<c>msg_type(1) length(3) body</c>) is whole and returns its body.
    /// </summary>
    private static TlsClientHelloStatus TryReassemble(ReadOnlySequence<byte> buffer, out byte[] body, out string? problem)
    {
        body = [];
        problem = null;
        var reader = new SequenceReader<byte>(buffer);
        var message = new ArrayBufferWriter<byte>(512);
        var wanted = -1;
        while (true)
        {
            if (reader.Remaining < RecordHeaderLength)
            {
                return TlsClientHelloStatus.NeedMoreData;
            }

            reader.TryRead(out var contentType);
            reader.TryReadBigEndian(out short version);
            reader.TryReadBigEndian(out short signedLength);
            var length = (ushort)signedLength;
            if (contentType != HandshakeContentType)
            {
                problem = $"not a TLS handshake (first byte 0x{contentType:x2})";
                return TlsClientHelloStatus.Invalid;
            }

            // SSL 3.0 to TLS 1.2 are 0x0300..0x0303; TLS 1.3 clients write 0x0301 or 0x0303 (§5.1).
            if ((ushort)version is < 0x0300 or > 0x0304)
            {
                problem = $"unknown TLS record version 0x{(ushort)version:x4}";
                return TlsClientHelloStatus.Invalid;
            }

            if (length is 0 or > MaxRecordLength)
            {
                problem = $"a TLS record of {length} bytes";
                return TlsClientHelloStatus.Invalid;
            }

            var available = (int)Math.Min(length, reader.Remaining);
            var fragment = reader.UnreadSequence.Slice(0, available);
            if (message.WrittenCount + available > HandshakeHeaderLength + MaxLength)
            {
                problem = $"a ClientHello larger than {MaxLength} bytes";
                return TlsClientHelloStatus.Invalid;
            }

            foreach (var segment in fragment)
            {
                message.Write(segment.Span);
            }

            reader.Advance(available);
            if (wanted < 0 && message.WrittenCount >= HandshakeHeaderLength)
            {
                var header = message.WrittenSpan;
                if (header[0] != ClientHelloType)
                {
                    problem = $"the first handshake message is type {header[0]}, not a ClientHello";
                    return TlsClientHelloStatus.Invalid;
                }

                wanted = (header[1] << 16) | (header[2] << 8) | header[3];
                if (wanted > MaxLength)
                {
                    problem = $"a ClientHello of {wanted} bytes (at most {MaxLength})";
                    return TlsClientHelloStatus.Invalid;
                }
            }

            if (wanted >= 0 && message.WrittenCount >= HandshakeHeaderLength + wanted)
            {
                body = message.WrittenSpan.Slice(HandshakeHeaderLength, wanted).ToArray();
                return TlsClientHelloStatus.Complete;
            }

            if (available < length)
            {
                return TlsClientHelloStatus.NeedMoreData;
            }
        }
    }

    /// <summary>
    /// RFC 8446 §4.1.2 (and RFC 5246 §7.4.1.2, where extensions may be absent):
    /// <code>
    /// legacy_version(2) random(32) legacy_session_id&lt;0..32&gt; cipher_suites&lt;2..2^16-2&gt;
    /// legacy_compression_methods&lt;1..2^8-1&gt; extensions&lt;8..2^16-1&gt;
    /// </code>
    /// </summary>
    private static bool TryParseBody(ReadOnlySpan<byte> body, out TlsClientHello? hello, out string? problem)
    {
        hello = null;
        var at = 2 + 32;
        if (body.Length < at + 1)
        {
            problem = "the ClientHello is truncated";
            return false;
        }

        var sessionIdLength = body[at];
        if (sessionIdLength > 32 || !TrySkip(body, ref at, 1 + sessionIdLength)
            || !TryReadVector16(body, ref at, out var cipherSuites) || cipherSuites.Length < 2 || cipherSuites.Length % 2 != 0
            || at >= body.Length || body[at] == 0 || !TrySkip(body, ref at, 1 + body[at]))
        {
            problem = "the ClientHello is malformed (session id, cipher suites or compression methods)";
            return false;
        }

        string? serverName = null;
        var protocols = new List<SslApplicationProtocol>();
        if (at == body.Length)
        {
            problem = null;
            hello = new TlsClientHello(null, protocols);
            return true;
        }

        if (!TryReadVector16(body, ref at, out var extensions) || at != body.Length)
        {
            problem = "the ClientHello's extensions do not end where the message ends";
            return false;
        }

        var seen = new HashSet<ushort>();
        while (!extensions.IsEmpty)
        {
            var position = 0;
            if (extensions.Length < 4 || !TryReadVector16(extensions, ref position, out var data, typeOffset: 2))
            {
                problem = "a ClientHello extension is truncated";
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(extensions);
            extensions = extensions[position..];

            // RFC 8446 §4.2: no extension type more than once.
            if (!seen.Add(type))
            {
                problem = $"the ClientHello repeats extension {type}";
                return false;
            }

            var parsed = type switch
            {
                ServerNameExtension => TryParseServerName(data, out serverName),
                ApplicationProtocolExtension => TryParseApplicationProtocols(data, protocols),
                _ => true,
            };
            if (!parsed)
            {
                problem = type == ServerNameExtension ? "the server_name extension is malformed" : "the ALPN extension is malformed";
                return false;
            }
        }

        problem = null;
        hello = new TlsClientHello(serverName, protocols);
        return true;
    }

    /// <summary>RFC 6066 §3: <c>ServerNameList&lt;1..2^16-1&gt;</c> of <c>name_type(1) HostName&lt;1..2^16-1&gt;</c>; at most one host_name (type 0).</summary>
    private static bool TryParseServerName(ReadOnlySpan<byte> data, out string? serverName)
    {
        serverName = null;
        var at = 0;
        if (!TryReadVector16(data, ref at, out var list) || at != data.Length || list.IsEmpty)
        {
            return false;
        }

        while (!list.IsEmpty)
        {
            var position = 0;
            if (!TryReadVector16(list, ref position, out var name, typeOffset: 1) || name.IsEmpty)
            {
                return false;
            }

            if (list[0] == 0)
            {
                // A host name is ASCII letters, digits, '-', '.' (RFC 6066 §3: no trailing dot, no IP literal);
                // anything else here is not a name Vigil could have a certificate for.
                if (serverName is not null || name.ContainsAnyExceptInRange((byte)0x21, (byte)0x7e))
                {
                    return false;
                }

                serverName = Encoding.ASCII.GetString(name).ToLowerInvariant();
            }

            list = list[position..];
        }

        return true;
    }

    /// <summary>RFC 7301 §3.1: <c>ProtocolNameList&lt;2..2^16-1&gt;</c> of <c>ProtocolName&lt;1..2^8-1&gt;</c> (no empty names).</summary>
    private static bool TryParseApplicationProtocols(ReadOnlySpan<byte> data, List<SslApplicationProtocol> protocols)
    {
        var at = 0;
        if (!TryReadVector16(data, ref at, out var list) || at != data.Length || list.Length < 2)
        {
            return false;
        }

        while (!list.IsEmpty)
        {
            var length = list[0];
            if (length == 0 || list.Length < 1 + length)
            {
                return false;
            }

            protocols.Add(new SslApplicationProtocol(list.Slice(1, length).ToArray()));
            list = list[(1 + length)..];
        }

        return true;
    }

    /// <summary>Reads a vector with a 16-bit length that starts <paramref name="typeOffset"/> bytes after <paramref name="at"/>.</summary>
    private static bool TryReadVector16(ReadOnlySpan<byte> data, ref int at, out ReadOnlySpan<byte> vector, int typeOffset = 0)
    {
        vector = default;
        var lengthAt = at + typeOffset;
        if (lengthAt < 0 || data.Length - lengthAt < 2)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(data[lengthAt..]);
        if (data.Length - lengthAt - 2 < length)
        {
            return false;
        }

        vector = data.Slice(lengthAt + 2, length);
        at = lengthAt + 2 + length;
        return true;
    }

    private static bool TrySkip(ReadOnlySpan<byte> data, ref int at, int count)
    {
        if (data.Length - at < count)
        {
            return false;
        }

        at += count;
        return true;
    }
}
