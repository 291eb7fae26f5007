using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Vigil.Server.Hosting.ProxyProtocol;

/// <summary>What <see cref="ProxyHeader.TryParse"/> found at the start of a connection.</summary>
internal enum ProxyHeaderStatus
{
    /// <summary>A prefix of a header: read at least <see cref="ProxyHeader.Length"/> bytes, then try again.</summary>
    Incomplete,

    /// <summary>Not a PROXY protocol header, or a malformed one (<see cref="ProxyHeader.Error"/> says why).</summary>
    Invalid,

    /// <summary>A whole header of <see cref="ProxyHeader.Length"/> bytes.</summary>
    Parsed,
}

/// <summary>
/// The PROXY protocol header a load balancer (HAProxy's <c>send-proxy</c> / <c>send-proxy-v2</c>) writes before a
/// client's bytes on a TCP connection it passes through, naming the client's address
/// (https://www.haproxy.org/download/2.6/doc/proxy-protocol.txt). Versions 1 (text) and 2 (binary) are read.
/// <see cref="Source"/> is null for a header that names no client (v1 <c>UNKNOWN</c>, v2 <c>LOCAL</c> — the
/// balancer's own health checks — or an address family other than TCP over IPv4/IPv6): the connection's own
/// address stands then.
/// </summary>
internal readonly record struct ProxyHeader(IPEndPoint? Source, IPEndPoint? Destination, int Length, string? Error)
{
    /// <summary>The longest v1 header (the specification's 107 bytes, CRLF included).</summary>
    public const int MaxV1Length = 107;

    /// <summary>
    /// The longest v2 header accepted: the 16-byte preamble and up to 1 KiB of addresses and TLVs. HAProxy sends
    /// 12 (IPv4) or 36 (IPv6) address bytes and TLVs only when configured to; anything longer is refused, not buffered.
    /// </summary>
    public const int MaxV2Length = 16 + 1024;

    /// <summary>The bytes to read before anything can be decided (the shortest v1 header, <c>PROXY UNKNOWN\r\n</c>, is 15).</summary>
    public const int MinLength = 15;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>
    /// Reads a header at the start of <paramref name="data"/>. <see cref="ProxyHeaderStatus.Incomplete"/> sets
    /// <see cref="Length"/> to the number of bytes needed to go on (at least one more than given).
    /// </summary>
    public static ProxyHeaderStatus TryParse(ReadOnlySpan<byte> data, out ProxyHeader header)
    {
        if (data.Length >= 1 && data[0] == V2Signature[0])
        {
            return TryParseV2(data, out header);
        }

        return TryParseV1(data, out header);
    }

    private static ProxyHeaderStatus TryParseV2(ReadOnlySpan<byte> data, out ProxyHeader header)
    {
        var signature = data[..Math.Min(data.Length, V2Signature.Length)];
        if (!V2Signature.StartsWith(signature))
        {
            return Invalid("not a PROXY protocol header", out header);
        }

        if (data.Length < 16)
        {
            header = new ProxyHeader(null, null, 16, null);
            return ProxyHeaderStatus.Incomplete;
        }

        var version = data[12] >> 4;
        var command = data[12] & 0x0F;
        if (version != 2)
        {
            return Invalid($"PROXY protocol v2 header with version {version}", out header);
        }

        if (command > 1)
        {
            return Invalid($"PROXY protocol v2 header with unknown command {command}", out header);
        }

        var length = 16 + BinaryPrimitives.ReadUInt16BigEndian(data[14..16]);
        if (length > MaxV2Length)
        {
            return Invalid($"PROXY protocol v2 header of {length} bytes (at most {MaxV2Length} accepted)", out header);
        }

        if (data.Length < length)
        {
            header = new ProxyHeader(null, null, length, null);
            return ProxyHeaderStatus.Incomplete;
        }

        var family = data[13] >> 4;
        var transport = data[13] & 0x0F;
        var addresses = data[16..length];
        if (command == 0 || transport != 1 || family is not (1 or 2))
        {
            // LOCAL (the balancer's own connection), UNSPEC, UDP or UNIX: nothing about a TCP client to take.
            header = new ProxyHeader(null, null, length, null);
            return ProxyHeaderStatus.Parsed;
        }

        var size = family == 1 ? 4 : 16;
        if (addresses.Length < (2 * size) + 4)
        {
            return Invalid($"PROXY protocol v2 header too short for its {(family == 1 ? "IPv4" : "IPv6")} addresses", out header);
        }

        var source = new IPAddress(addresses[..size]);
        var destination = new IPAddress(addresses[size..(2 * size)]);
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * size)..]);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(addresses[((2 * size) + 2)..]);
        header = new ProxyHeader(new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), length, null);
        return ProxyHeaderStatus.Parsed;
    }

    private static ProxyHeaderStatus TryParseV1(ReadOnlySpan<byte> data, out ProxyHeader header)
    {
        var prefix = data[..Math.Min(data.Length, V1Prefix.Length)];
        if (!V1Prefix.StartsWith(prefix))
        {
            return Invalid("not a PROXY protocol header", out header);
        }

        var end = data[..Math.Min(data.Length, MaxV1Length)].IndexOf("\r\n"u8);
        if (end < 0)
        {
            if (data.Length >= MaxV1Length)
            {
                return Invalid($"PROXY protocol v1 line longer than {MaxV1Length} bytes", out header);
            }

            header = new ProxyHeader(null, null, Math.Max(MinLength, data.Length + 1), null);
            return ProxyHeaderStatus.Incomplete;
        }

        var length = end + 2;
        var line = data[V1Prefix.Length..end];
        if (line.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
        {
            return Invalid("PROXY protocol v1 line with a byte that is not printable ASCII", out header);
        }

        var fields = Encoding.ASCII.GetString(line).Split(' ');
        if (fields[0] == "UNKNOWN")
        {
            header = new ProxyHeader(null, null, length, null);
            return ProxyHeaderStatus.Parsed;
        }

        if (fields.Length != 5 || fields[0] is not ("TCP4" or "TCP6"))
        {
            return Invalid("PROXY protocol v1 line is not 'PROXY TCP4|TCP6 source destination source-port destination-port'", out header);
        }

        var family = fields[0] == "TCP4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (!TryAddress(fields[1], family, out var source) || !TryAddress(fields[2], family, out var destination))
        {
            return Invalid($"PROXY protocol v1 line with an address that is not {(fields[0] == "TCP4" ? "IPv4" : "IPv6")}", out header);
        }

        if (!TryPort(fields[3], out var sourcePort) || !TryPort(fields[4], out var destinationPort))
        {
            return Invalid("PROXY protocol v1 line with a port that is not a number from 0 to 65535", out header);
        }

        header = new ProxyHeader(new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), length, null);
        return ProxyHeaderStatus.Parsed;
    }

    private static bool TryAddress(string text, System.Net.Sockets.AddressFamily family, out IPAddress address) =>
        IPAddress.TryParse(text, out address!) && address.AddressFamily == family
            // IPAddress.Parse takes forms the protocol does not ("1", "0x7f.1", scope ids); v4 must be dotted quad.
            && (family != System.Net.Sockets.AddressFamily.InterNetwork || text.Count(c => c == '.') == 3)
            && !text.Contains('%', StringComparison.Ordinal);

    private static bool TryPort(string text, out int port)
    {
        port = 0;
        if (text.Length is 0 or > 5 || (text.Length > 1 && text[0] == '0') || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        port = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return port <= 65535;
    }

    private static ProxyHeaderStatus Invalid(string error, out ProxyHeader header)
    {
        header = new ProxyHeader(null, null, 0, error);
        return ProxyHeaderStatus.Invalid;
    }
}
