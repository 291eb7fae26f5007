using System.Buffers.Binary;
using System.Net;
using System.Text;
using Vigil.Server.Hosting.ProxyProtocol;

namespace Vigil.Server.Tests.Hosting;

/// <summary>The PROXY protocol parser: both versions as HAProxy writes them, every prefix, and bad, truncated, oversized and random input.</summary>
public sealed class ProxyHeaderTests
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static TheoryData<string, string, int> V1Lines => new()
    {
        { "PROXY TCP4 203.0.113.7 10.0.0.11 56324 8883\r\n", "203.0.113.7", 56324 },
        { "PROXY TCP6 2001:db8::7 2001:db8::11 65535 443\r\n", "2001:db8::7", 65535 },
        { "PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n", "255.255.255.255", 65535 },
        { "PROXY TCP4 192.0.2.1 192.0.2.2 0 25\r\n", "192.0.2.1", 0 },
    };

    [Theory]
    [MemberData(nameof(V1Lines))]
    public void A_v1_line_names_the_client_and_consumes_exactly_its_bytes(string line, string client, int port)
    {
        var data = Encoding.ASCII.GetBytes(line + "\x16\x03\x01 client hello");

        Assert.Equal(ProxyHeaderStatus.Parsed, ProxyHeader.TryParse(data, out var header));

        Assert.Equal(new IPEndPoint(IPAddress.Parse(client), port), header.Source);
        Assert.Equal(line.Length, header.Length);
        Assert.Null(header.Error);
    }

    [Fact]
    public void A_v1_unknown_line_and_a_v2_local_header_name_no_client()
    {
        var unknown = "PROXY UNKNOWN\r\n"u8.ToArray();
        var unknownWithAddresses = "PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"u8.ToArray();
        var local = V2(command: 0, family: 0, []);

        Assert.Equal(ProxyHeaderStatus.Parsed, ProxyHeader.TryParse(unknown, out var first));
        Assert.Equal(ProxyHeaderStatus.Parsed, ProxyHeader.TryParse(unknownWithAddresses, out var second));
        Assert.Equal(ProxyHeaderStatus.Parsed, ProxyHeader.TryParse(local, out var third));
        Assert.Equal([null, null, null], new[] { first.Source, second.Source, third.Source });
        Assert.Equal([15, unknownWithAddresses.Length, 16], new[] { first.Length, second.Length, third.Length });
    }

    [Fact]
    public void A_v2_header_names_an_ipv4_or_ipv6_client_and_skips_its_tlvs()
    {
        byte[] ipv4 = [203, 0, 113, 7, 10, 0, 0, 11, 0xDC, 0x04, 0x22, 0xB3];
        var ipv6 = new byte[36];
        IPAddress.Parse("2001:db8::7").GetAddressBytes().CopyTo(ipv6, 0);
        IPAddress.Parse("2001:db8::11").GetAddressBytes().CopyTo(ipv6, 16);
        BinaryPrimitives.WriteUInt16BigEndian(ipv6.AsSpan(32), 443);
        BinaryPrimitives.WriteUInt16BigEndian(ipv6.AsSpan(34), 8443);
        byte[] tlv = [0x04, 0x00, 0x03, 1, 2, 3]; // a NOOP TLV

        Assert.Equal(ProxyHeaderStatus.Parsed, ProxyHeader.TryParse([.. V2(1, 0x11, [.. ipv4, .. tlv]), 0x16, 0x03], out var v4));
        Assert.Equal(ProxyHeaderStatus.Parsed, ProxyHeader.TryParse(V2(1, 0x21, ipv6), out var v6));

        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 56324), v4.Source);
        Assert.Equal(16 + 12 + 6, v4.Length);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 443), v6.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::11"), 8443), v6.Destination);
    }

    [Fact]
    public void Every_prefix_of_a_header_is_incomplete_and_asks_for_more_than_it_has()
    {
        byte[][] headers =
        [
            "PROXY TCP4 203.0.113.7 10.0.0.11 56324 8883\r\n"u8.ToArray(),
            "PROXY UNKNOWN\r\n"u8.ToArray(),
            V2(1, 0x11, [203, 0, 113, 7, 10, 0, 0, 11, 0xDC, 0x04, 0x22, 0xB3]),
        ];

        foreach (var header in headers)
        {
            for (var length = 0; length < header.Length; length++)
            {
                Assert.Equal(ProxyHeaderStatus.Incomplete, ProxyHeader.TryParse(header.AsSpan(0, length), out var more));
                Assert.True(more.Length > length && more.Length <= header.Length, $"prefix of {length} bytes asks for {more.Length}");
            }
        }
    }

    public static TheoryData<string, string> BadV1Lines => new()
    {
        { "GET / HTTP/1.1\r\n", "not a PROXY protocol header" },
        { "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "not a PROXY protocol header" },
        { "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", "is not 'PROXY TCP4|TCP6" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "is not 'PROXY TCP4|TCP6" },
        { "PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n", "is not 'PROXY TCP4|TCP6" },
        { "PROXY TCP4 2001:db8::1 5.6.7.8 1 2\r\n", "not IPv4" },
        { "PROXY TCP6 1.2.3.4 2001:db8::1 1 2\r\n", "not IPv6" },
        { "PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n", "not IPv4" },
        { "PROXY TCP6 fe80::1%eth0 2001:db8::1 1 2\r\n", "not IPv6" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", "port" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n", "port" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n", "port" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "longer than" },
        { "PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n", "not printable" },
    };

    [Theory]
    [MemberData(nameof(BadV1Lines))]
    public void A_malformed_v1_line_is_refused_with_its_reason(string line, string reason)
    {
        // Padded past the longest v1 line, so a line without CRLF is "too long" rather than "incomplete".
        var data = Encoding.Latin1.GetBytes(line + new string('x', 120));

        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeader.TryParse(data, out var header));

        Assert.Contains(reason, header.Error, StringComparison.Ordinal);
        Assert.Null(header.Source);
    }

    [Fact]
    public void A_malformed_v2_header_is_refused_with_its_reason()
    {
        var wrongVersion = V2(1, 0x11, new byte[12]);
        wrongVersion[12] = 0x11;
        var wrongCommand = V2(1, 0x11, new byte[12]);
        wrongCommand[12] = 0x22;
        var shortAddresses = V2(1, 0x21, new byte[12]);
        var oversized = V2(1, 0x11, new byte[12]);
        BinaryPrimitives.WriteUInt16BigEndian(oversized.AsSpan(14), 0xFFFF);
        byte[] brokenSignature = [.. Signature[..11], 0x0B, 0x21, 0x11, 0, 12];

        Assert.Contains("version 1", Refusal(wrongVersion), StringComparison.Ordinal);
        Assert.Contains("unknown command 2", Refusal(wrongCommand), StringComparison.Ordinal);
        Assert.Contains("too short for its IPv6", Refusal(shortAddresses), StringComparison.Ordinal);
        Assert.Contains($"65551 bytes (at most {ProxyHeader.MaxV2Length}", Refusal(oversized), StringComparison.Ordinal);
        Assert.Contains("not a PROXY protocol header", Refusal(brokenSignature), StringComparison.Ordinal);
    }

    [Fact]
    public void Random_and_mutated_input_never_throws_and_never_reads_past_what_it_was_given()
    {
        var random = new Random(20261207);
        byte[][] seeds =
        [
            "PROXY TCP4 203.0.113.7 10.0.0.11 56324 8883\r\n"u8.ToArray(),
            "PROXY TCP6 2001:db8::7 2001:db8::11 65535 443\r\n"u8.ToArray(),
            V2(1, 0x11, [203, 0, 113, 7, 10, 0, 0, 11, 0xDC, 0x04, 0x22, 0xB3]),
            V2(1, 0x21, new byte[36]),
        ];
        for (var i = 0; i < 200_000; i++)
        {
            byte[] data;
            if (i % 2 == 0)
            {
                data = new byte[random.Next(0, 300)];
                random.NextBytes(data);
            }
            else
            {
                data = [.. seeds[random.Next(seeds.Length)]];
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }

                data = data[..random.Next(0, data.Length + 1)];
            }

            var status = ProxyHeader.TryParse(data, out var header);

            switch (status)
            {
                case ProxyHeaderStatus.Parsed:
                    Assert.InRange(header.Length, ProxyHeader.MinLength - 1, data.Length);
                    break;
                case ProxyHeaderStatus.Incomplete:
                    Assert.InRange(header.Length, data.Length + 1, ProxyHeader.MaxV2Length);
                    break;
                default:
                    Assert.False(string.IsNullOrEmpty(header.Error));
                    break;
            }
        }
    }

    private static string Refusal(byte[] data)
    {
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeader.TryParse(data, out var header));
        return header.Error!;
    }

    private static byte[] V2(int command, byte family, byte[] addresses)
    {
        var header = new byte[16 + addresses.Length];
        Signature.CopyTo(header, 0);
        header[12] = (byte)(0x20 | command);
        header[13] = family;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)addresses.Length);
        addresses.CopyTo(header, 16);
        return header;
    }
}
