using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Vigil.Server.Features.Signaling.Stun;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Signaling;

public sealed class StunTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // RFC 5769 §2.1: sample request (SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY, FINGERPRINT).
    private static readonly byte[] Rfc5769Request = Convert.FromHexString(
        "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74002400046e0001ff80290008932ff9b151263b36" +
        "000600096576746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf");

    private static readonly byte[] TransactionId = Convert.FromHexString("b7e7a701bc34d686fa87dfae");

    [Fact]
    public void The_rfc_5769_sample_request_is_a_binding_request_and_a_damaged_fingerprint_is_dropped()
    {
        Assert.Equal(StunParseResult.BindingRequest, StunBindingRequest.TryParse(Rfc5769Request, out var request));
        Assert.Equal(TransactionId, request.TransactionId);

        var damaged = (byte[])Rfc5769Request.Clone();
        damaged[^1] ^= 1;
        Assert.Equal(StunParseResult.Ignore, StunBindingRequest.TryParse(damaged, out _));
    }

    [Fact]
    public void The_ipv4_xor_mapped_address_matches_rfc_5769_section_2_2()
    {
        StunBindingRequest.TryParse(Rfc5769Request, out var request);
        var buffer = new byte[StunResponseWriter.MaxLength];

        var length = StunResponseWriter.WriteSuccess(request, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), buffer);

        // RFC 5769 §2.2: XOR-MAPPED-ADDRESS of 192.0.2.1:32853.
        Assert.Equal(Convert.FromHexString("002000080001a147e112a643"), buffer[20..32]);
        Assert.Equal(0x0101, BinaryPrimitives.ReadUInt16BigEndian(buffer));
        Assert.Equal(length - 20, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)));
        AssertFingerprint(buffer.AsSpan(0, length));
    }

    [Fact]
    public void The_ipv6_xor_mapped_address_matches_rfc_5769_section_2_3()
    {
        StunBindingRequest.TryParse(Rfc5769Request, out var request);
        var buffer = new byte[StunResponseWriter.MaxLength];

        var length = StunResponseWriter.WriteSuccess(request, new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), buffer);

        // RFC 5769 §2.3: XOR-MAPPED-ADDRESS of [2001:db8:1234:5678:11:2233:4455:6677]:32853.
        Assert.Equal(Convert.FromHexString("002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"), buffer[20..44]);
        AssertFingerprint(buffer.AsSpan(0, length));
    }

    [Fact]
    public void An_ipv4_mapped_source_on_a_dual_mode_socket_is_reported_as_ipv4()
    {
        StunBindingRequest.TryParse(Rfc5769Request, out var request);
        var buffer = new byte[StunResponseWriter.MaxLength];

        StunResponseWriter.WriteSuccess(request, new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.1"), 32853), buffer);

        Assert.Equal(Convert.FromHexString("002000080001a147e112a643"), buffer[20..32]);
    }

    [Fact]
    public void Unknown_comprehension_required_attributes_get_420_and_optional_ones_are_ignored()
    {
        var unknownRequired = Request((0x0777, [1, 2, 3, 4]), (0xC001, [9, 9, 9, 9]));
        var changeRequest = Request((0x0003, [0, 0, 0, 6]));
        var changeNothing = Request((0x0003, [0, 0, 0, 0]));
        var buffer = new byte[StunResponseWriter.MaxLength];

        Assert.Equal(StunParseResult.UnknownAttributes, StunBindingRequest.TryParse(unknownRequired, out var request));
        var length = StunResponseWriter.WriteUnknownAttributes(request, buffer);
        Assert.Equal(StunParseResult.UnknownAttributes, StunBindingRequest.TryParse(changeRequest, out _));
        Assert.Equal(StunParseResult.BindingRequest, StunBindingRequest.TryParse(changeNothing, out _));

        Assert.Equal(0x0111, BinaryPrimitives.ReadUInt16BigEndian(buffer));
        Assert.Equal(Convert.FromHexString("000900150000041455"), buffer[20..29]);   // ERROR-CODE 420 "U…
        Assert.Equal(Convert.FromHexString("000a00020777"), buffer[48..54]);        // UNKNOWN-ATTRIBUTES 0x0777 only, after the padded ERROR-CODE
        AssertFingerprint(buffer.AsSpan(0, length));
    }

    [Fact]
    public void A_classic_rfc_3489_request_gets_a_mapped_address_without_xor()
    {
        var classic = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(classic, 0x0001);
        Convert.FromHexString("00112233445566778899aabbccddeeff").CopyTo(classic, 4);
        var buffer = new byte[StunResponseWriter.MaxLength];

        Assert.Equal(StunParseResult.BindingRequest, StunBindingRequest.TryParse(classic, out var request));
        var length = StunResponseWriter.WriteSuccess(request, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), buffer);

        Assert.Equal(classic[4..20], buffer[4..20]);
        Assert.Equal(Convert.FromHexString("0001000800018055c0000201"), buffer[20..32]);
        Assert.True(length < 48);
    }

    [Fact]
    public void Responses_indications_other_methods_and_non_stun_are_dropped()
    {
        var response = (byte[])Rfc5769Request.Clone();
        response[0] = 0x01;   // 0x0101 Binding success response
        var indication = (byte[])Rfc5769Request.Clone();
        indication[1] = 0x11;
        var allocate = (byte[])Rfc5769Request.Clone();
        allocate[1] = 0x03;
        byte[] rtp = [0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        foreach (var packet in new[] { response, indication, allocate, rtp, [], new byte[19] })
        {
            Assert.Equal(0, StunServer.Answer(packet, new IPEndPoint(IPAddress.Loopback, 1), new byte[StunResponseWriter.MaxLength]));
        }
    }

    [Fact]
    public void Truncated_oversized_and_random_datagrams_never_throw()
    {
        var send = new byte[StunResponseWriter.MaxLength];
        var source = new IPEndPoint(IPAddress.IPv6Loopback, 5000);
        for (var n = 0; n <= Rfc5769Request.Length; n++)
        {
            var answered = StunServer.Answer(Rfc5769Request.AsSpan(0, n), source, send);
            Assert.True(answered == 0 || n == Rfc5769Request.Length);
        }

        var random = new Random(5769);
        for (var i = 0; i < 50_000; i++)
        {
            var packet = (byte[])Rfc5769Request.Clone();
            for (var e = random.Next(1, 4); e > 0; e--)
            {
                packet[random.Next(packet.Length)] = (byte)random.Next(256);
            }

            var length = StunServer.Answer(packet, source, send);
            Assert.InRange(length, 0, StunResponseWriter.MaxLength);
        }

        for (var i = 0; i < 5_000; i++)
        {
            var junk = new byte[random.Next(0, 1500)];
            random.NextBytes(junk);
            if (junk.Length >= 20 && random.Next(2) == 0)
            {
                // Make it look like STUN to reach the attribute walk.
                junk[0] = 0;
                junk[1] = 1;
                BinaryPrimitives.WriteUInt16BigEndian(junk.AsSpan(2), (ushort)((junk.Length - 20) & ~3));
                BinaryPrimitives.WriteUInt32BigEndian(junk.AsSpan(4), StunBindingRequest.MagicCookie);
                junk = junk[..(20 + ((junk.Length - 20) & ~3))];
            }

            Assert.InRange(StunServer.Answer(junk, source, send), 0, StunResponseWriter.MaxLength);
        }

        var huge = new byte[20 + 65532];
        BinaryPrimitives.WriteUInt16BigEndian(huge, 1);
        BinaryPrimitives.WriteUInt16BigEndian(huge.AsSpan(2), 65532);
        BinaryPrimitives.WriteUInt32BigEndian(huge.AsSpan(4), StunBindingRequest.MagicCookie);
        for (var at = 20; at < huge.Length; at += 4)
        {
            BinaryPrimitives.WriteUInt16BigEndian(huge.AsSpan(at), 0x0100);   // 16 thousand unknown zero-length attributes
        }

        Assert.InRange(StunServer.Answer(huge, source, send), 1, StunResponseWriter.MaxLength);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("*", "127.0.0.1")]
    [InlineData("*", "::1")]
    public async Task Coturns_stun_client_learns_its_address_from_the_running_server(string listen, string address)
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Server:ListenAddress"] = listen }, cancellationToken: Ct);
        var port = vigil.App.Services.GetRequiredService<StunServer>().Port;

        var result = await ProcessRunner.RunAsync(RequiredTool.Find("turnutils_stunclient", "coturn"), ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), address], timeout: TimeSpan.FromSeconds(30), cancellationToken: Ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(address.Contains(':', StringComparison.Ordinal) ? @"UDP reflexive addr: \[?::1\]?:\d+" : @"UDP reflexive addr: 127\.0\.0\.1:\d+", result.StandardOutput + result.StandardError);
    }

    [Fact]
    public async Task A_dotnet_socket_gets_its_own_address_back_over_udp()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        var port = vigil.App.Services.GetRequiredService<StunServer>().Port;
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)client.Client.LocalEndPoint!;
        var request = Request();

        await client.SendAsync(request, new IPEndPoint(IPAddress.Loopback, port), Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var response = (await client.ReceiveAsync(timeout.Token)).Buffer;

        Assert.Equal(0x0101, BinaryPrimitives.ReadUInt16BigEndian(response));
        Assert.Equal(request[8..20], response[8..20]);
        Assert.Equal((ushort)(local.Port ^ 0x2112), BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(26)));
        Assert.Equal(new byte[] { 127 ^ 0x21, 0 ^ 0x12, 0 ^ 0xA4, 1 ^ 0x42 }, response[28..32]);
    }

    private static byte[] Request(params (ushort Type, byte[] Value)[] attributes)
    {
        var length = attributes.Sum(a => 4 + ((a.Value.Length + 3) & ~3));
        var packet = new byte[20 + length];
        BinaryPrimitives.WriteUInt16BigEndian(packet, 0x0001);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)length);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), StunBindingRequest.MagicCookie);
        TransactionId.CopyTo(packet, 8);
        var at = 20;
        foreach (var (type, value) in attributes)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at), type);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at + 2), (ushort)value.Length);
            value.CopyTo(packet, at + 4);
            at += 4 + ((value.Length + 3) & ~3);
        }

        return packet;
    }

    private static void AssertFingerprint(ReadOnlySpan<byte> message)
    {
        Assert.Equal(0x8028, BinaryPrimitives.ReadUInt16BigEndian(message[^8..]));
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(message[..^8]) ^ StunBindingRequest.FingerprintXor, BinaryPrimitives.ReadUInt32BigEndian(message[^4..]));
    }
}
