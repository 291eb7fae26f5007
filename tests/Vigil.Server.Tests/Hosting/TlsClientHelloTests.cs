using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Vigil.Server.Hosting.Tls;

namespace Vigil.Server.Tests.Hosting;

/// <summary>
/// The ClientHello reader: real ClientHellos written by .NET's SslStream (OpenSSL underneath), the same
/// fragmented across records and split across buffer segments, every truncation, oversized, malformed and
/// random input (only a status, never an exception).
/// </summary>
public sealed class TlsClientHelloTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_real_client_hello_gives_its_server_name_and_alpn_protocols_in_order()
    {
        var bytes = await CaptureAsync("Credentials.Vigil.Example", ["x-amzn-mqtt-ca", "mqtt"]);

        var status = TlsClientHello.TryRead(new ReadOnlySequence<byte>(bytes), out var hello, out var problem);

        Assert.True(status == TlsClientHelloStatus.Complete, problem);
        Assert.Equal("credentials.vigil.example", hello!.ServerName);
        Assert.Equal("x-amzn-mqtt-ca, mqtt", hello.DescribeApplicationProtocols());
        Assert.True(hello.Offers([new SslApplicationProtocol("mqtt")]));
        Assert.False(hello.Offers([SslApplicationProtocol.Http2]));
    }

    [Fact]
    public async Task A_client_hello_to_an_address_without_alpn_has_neither()
    {
        // RFC 6066 §3: no SNI for an IP literal.
        var bytes = await CaptureAsync("127.0.0.1", []);

        Assert.Equal(TlsClientHelloStatus.Complete, TlsClientHello.TryRead(new ReadOnlySequence<byte>(bytes), out var hello, out _));
        Assert.Null(hello!.ServerName);
        Assert.False(hello.OffersApplicationProtocols);
        Assert.Equal("none", hello.DescribeApplicationProtocols());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(16384)]
    public async Task A_client_hello_fragmented_across_records_and_segments_reads_the_same(int fragment)
    {
        var bytes = await CaptureAsync("vigil.example", ["h2", "http/1.1"]);
        var refragmented = Refragment(bytes, fragment);

        var status = TlsClientHello.TryRead(Segmented(refragmented, 3), out var hello, out var problem);

        Assert.True(status == TlsClientHelloStatus.Complete, problem);
        Assert.Equal(("vigil.example", "h2, http/1.1"), (hello!.ServerName, hello.DescribeApplicationProtocols()));
    }

    [Fact]
    public async Task Every_truncation_needs_more_data_and_is_never_invalid()
    {
        var bytes = Refragment(await CaptureAsync("vigil.example", ["x-amzn-mqtt-ca"]), 200);

        for (var length = 0; length < bytes.Length; length++)
        {
            var status = TlsClientHello.TryRead(new ReadOnlySequence<byte>(bytes, 0, length), out _, out var problem);
            Assert.True(status == TlsClientHelloStatus.NeedMoreData, $"{length} of {bytes.Length} bytes: {status} {problem}");
        }
    }

    [Fact]
    public void Other_protocols_and_old_hellos_are_invalid()
    {
        byte[][] inputs =
        [
            "GET / HTTP/1.1\r\n"u8.ToArray(),
            [0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15], // SSL 2.0-compatible ClientHello
            [0x10, 0x20, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54], // MQTT CONNECT without TLS
            [0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00], // a ServerHello
            [0x16, 0x07, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00], // record version 0x0701
            [0x16, 0x03, 0x01, 0x00, 0x00], // empty record
        ];

        foreach (var input in inputs)
        {
            Assert.Equal(TlsClientHelloStatus.Invalid, TlsClientHello.TryRead(new ReadOnlySequence<byte>(input), out _, out var problem));
            Assert.False(string.IsNullOrEmpty(problem));
        }
    }

    [Fact]
    public void Oversized_records_and_client_hellos_are_invalid_before_they_arrive()
    {
        byte[] bigRecord = [0x16, 0x03, 0x01, 0x40, 0x01, 0x01];
        byte[] bigHello = [0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0x40, 0x01];

        Assert.Equal(TlsClientHelloStatus.Invalid, TlsClientHello.TryRead(new ReadOnlySequence<byte>(bigRecord), out _, out var recordProblem));
        Assert.Equal(TlsClientHelloStatus.Invalid, TlsClientHello.TryRead(new ReadOnlySequence<byte>(bigHello), out _, out var helloProblem));
        Assert.Contains("16385", recordProblem, StringComparison.Ordinal);
        Assert.Contains("16385", helloProblem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("duplicate extension")]
    [InlineData("empty protocol name")]
    [InlineData("two host names")]
    [InlineData("control character in the name")]
    [InlineData("extensions overrun")]
    public void Malformed_extensions_are_invalid(string defect)
    {
        var alpn = Extension(16, Vector16([.. Vector8("h2"u8), .. Vector8("mqtt"u8)]));
        var sni = Extension(0, Vector16([0, .. Vector16("vigil.example"u8)]));
        byte[] extensions = defect switch
        {
            "duplicate extension" => [.. alpn, .. alpn],
            "empty protocol name" => Extension(16, Vector16([0, .. Vector8("h2"u8)])),
            "two host names" => Extension(0, Vector16([0, .. Vector16("a.example"u8), 0, .. Vector16("b.example"u8)])),
            "control character in the name" => Extension(0, Vector16([0, .. Vector16("vigil\n.example"u8)])),
            _ => [.. sni, 0x00, 0x10, 0x00, 0x09, 0x00],
        };

        var status = TlsClientHello.TryRead(new ReadOnlySequence<byte>(Hello(extensions)), out _, out var problem);

        Assert.True(status == TlsClientHelloStatus.Invalid, $"{defect}: {status}");
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void A_hello_built_by_hand_reads_and_a_tls_1_2_hello_may_have_no_extensions()
    {
        var sni = Extension(0, Vector16([0, .. Vector16("front.door"u8)]));
        var alpn = Extension(16, Vector16([.. Vector8("x-amzn-mqtt-ca"u8)]));

        Assert.Equal(TlsClientHelloStatus.Complete, TlsClientHello.TryRead(new ReadOnlySequence<byte>(Hello([.. sni, .. alpn])), out var hello, out _));
        Assert.Equal(("front.door", "x-amzn-mqtt-ca"), (hello!.ServerName, hello.DescribeApplicationProtocols()));
        Assert.Equal(TlsClientHelloStatus.Complete, TlsClientHello.TryRead(new ReadOnlySequence<byte>(Hello(null)), out var bare, out _));
        Assert.Equal((null, false), (bare!.ServerName, bare.OffersApplicationProtocols));
    }

    [Fact]
    public async Task Random_input_and_random_mutations_of_a_real_hello_give_a_status_and_nothing_else()
    {
        var random = new Random(20_26);
        var real = await CaptureAsync("vigil.example", ["x-amzn-mqtt-ca", "mqtt"]);
        for (var i = 0; i < 20_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 600)];
                random.NextBytes(input);
                if (i % 4 == 0 && input.Length > 5)
                {
                    // Mostly a plausible record header, so the parser gets past the first checks.
                    input[0] = 0x16;
                    input[1] = 0x03;
                    input[2] = 0x01;
                }
            }
            else
            {
                input = (byte[])real.Clone();
                for (var flips = random.Next(1, 6); flips > 0; flips--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }

                input = input[..random.Next(1, input.Length + 1)];
            }

            var status = TlsClientHello.TryRead(Segmented(input, 1 + (i % 5)), out var hello, out _);
            Assert.True(Enum.IsDefined(status));
            Assert.Equal(status == TlsClientHelloStatus.Complete, hello is not null);
        }
    }

    /// <summary>The first bytes .NET's SslStream (OpenSSL) sends as a client: its ClientHello.</summary>
    private static async Task<byte[]> CaptureAsync(string targetHost, string[] alpn)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, Ct);
        using var server = await listener.AcceptTcpClientAsync(Ct);
        await using var tls = new SslStream(client.GetStream());
        var handshake = tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ApplicationProtocols = alpn.Length == 0 ? null : [.. alpn.Select(p => new SslApplicationProtocol(p))],
            RemoteCertificateValidationCallback = (_, _, _, _) => false,
        }, Ct);

        var stream = server.GetStream();
        var received = new List<byte>();
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (TlsClientHello.TryRead(new ReadOnlySequence<byte>([.. received]), out _, out _) == TlsClientHelloStatus.NeedMoreData)
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(n > 0, "the client closed before its ClientHello was complete");
            received.AddRange(buffer.AsSpan(0, n));
        }

        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        return [.. received];
    }

    /// <summary>The same handshake bytes in records of at most <paramref name="size"/> bytes each (RFC 8446 §5.1 allows it).</summary>
    private static byte[] Refragment(byte[] records, int size)
    {
        var payload = new List<byte>();
        for (var at = 0; at < records.Length;)
        {
            var length = (records[at + 3] << 8) | records[at + 4];
            payload.AddRange(records.AsSpan(at + 5, length));
            at += 5 + length;
        }

        var result = new List<byte>();
        for (var at = 0; at < payload.Count; at += size)
        {
            var chunk = Math.Min(size, payload.Count - at);
            result.AddRange([0x16, 0x03, 0x01, (byte)(chunk >> 8), (byte)chunk]);
            result.AddRange(payload.GetRange(at, chunk));
        }

        return [.. result];
    }

    /// <summary>A buffer of several segments of <paramref name="size"/> bytes, as a pipe hands them out.</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int size)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (var at = size; at < bytes.Length; at += size)
        {
            last = last.Append(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>A minimal ClientHello record: TLS 1.2 version, zero random, no session id, one suite, null compression.</summary>
    private static byte[] Hello(byte[]? extensions)
    {
        byte[] body = [0x03, 0x03, .. new byte[32], 0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00, .. (extensions is null ? [] : Vector16(extensions))];
        byte[] handshake = [0x01, 0x00, (byte)(body.Length >> 8), (byte)body.Length, .. body];
        return [0x16, 0x03, 0x01, (byte)(handshake.Length >> 8), (byte)handshake.Length, .. handshake];
    }

    private static byte[] Extension(ushort type, byte[] data) => [(byte)(type >> 8), (byte)type, .. Vector16(data)];

    private static byte[] Vector16(ReadOnlySpan<byte> data) => [(byte)(data.Length >> 8), (byte)data.Length, .. data];

    private static byte[] Vector8(ReadOnlySpan<byte> data) => [(byte)data.Length, .. data];

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
