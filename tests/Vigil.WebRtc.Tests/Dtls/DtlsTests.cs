using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Org.BouncyCastle.Tls;
using Vigil.WebRtc.Dtls;
using Vigil.WebRtc.Sdp;
using Vigil.WebRtc.Srtp;
using Vigil.WebRtc.Tests.Srtp;

namespace Vigil.WebRtc.Tests.Dtls;

public sealed class DtlsTests
{
    [Fact]
    public void Generated_certificate_is_ecdsa_p256_sha256_and_its_fingerprint_is_sha256_of_the_der()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var certificate = DtlsCertificate.Generate(clock);
        using var parsed = X509CertificateLoader.LoadCertificate(certificate.Der);

        Assert.Equal("1.2.840.10045.4.3.2", parsed.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        using var key = parsed.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal("1.2.840.10045.3.1.7", key.ExportParameters(false).Curve.Oid.Value); // secp256r1
        Assert.Equal(new DateTime(2029, 12, 31, 12, 0, 0, DateTimeKind.Utc), parsed.NotBefore.ToUniversalTime());
        Assert.Equal(new DateTime(2030, 1, 31, 12, 0, 0, DateTimeKind.Utc), parsed.NotAfter.ToUniversalTime());

        Assert.True(SdpFingerprint.TryParse(certificate.Fingerprint, out var fingerprint));
        Assert.Equal("sha-256", fingerprint.Algorithm);
        Assert.Equal(SHA256.HashData(certificate.Der), fingerprint.Value);
        Assert.Matches("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$", certificate.Fingerprint);
    }

    [Theory]
    [InlineData(SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public async Task Client_and_server_export_the_same_keying_material_and_srtp_interoperates(SrtpProfile profile)
    {
        using var harness = new InMemoryDtls(profile);
        var keys = await harness.RunAsync();

        Assert.Equal(profile, keys.Profile);
        var serverMaterial = harness.Server.KeyingMaterial!;
        Assert.Equal(SrtpProfileInfo.KeyingMaterialLength(profile), serverMaterial.Length);
        Assert.Equal(serverMaterial, keys.ClientKey.Concat(keys.ServerKey).Concat(keys.ClientSalt).Concat(keys.ServerSalt).ToArray());
        Assert.Equal(harness.ClientCertificate.Der, harness.Server.ClientCertificate);

        // What we protect with the client keys, the server side (browser) unprotects with the same half.
        using var ours = keys.CreateClientContext();
        using var theirs = DtlsSrtpKeys.Split(profile, serverMaterial).CreateClientContext();
        var packet = SrtpContextTests.Protect(ours, 1234, 9);
        Assert.True(theirs.TryUnprotectRtp(packet, packet.Length, out _));
    }

    [Fact]
    public async Task A_certificate_that_does_not_match_the_offered_fingerprint_aborts_the_handshake()
    {
        var other = DtlsCertificate.Generate(TimeProvider.System);
        using var harness = new InMemoryDtls(SrtpProfile.Aes128CmHmacSha1Tag80, fingerprintOf: other);

        var error = await Assert.ThrowsAsync<IOException>(harness.RunAsync);
        Assert.Contains("fingerprint", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Dropping_the_servers_first_flight_is_repaired_by_retransmission()
    {
        var dropped = 0;
        using var harness = new InMemoryDtls(SrtpProfile.Aes128CmHmacSha1Tag80, dropServerDatagram: _ => Interlocked.Increment(ref dropped) <= 3);

        var keys = await harness.RunAsync();

        Assert.True(dropped > 3);
        Assert.Equal(harness.Server.KeyingMaterial, keys.ClientKey.Concat(keys.ServerKey).Concat(keys.ClientSalt).Concat(keys.ServerSalt).ToArray());
    }

    [Fact]
    public async Task Truncated_random_and_oversized_records_between_the_servers_flights_are_dropped_and_the_handshake_completes()
    {
        // DTLS records are parsed by BouncyCastle; what reaches it is whatever the demux classed as
        // DTLS (first byte 20..63). Garbage must be dropped and the handshake still complete.
        var random = new FuzzRandom(5764);
        var injected = 0;
        using var harness = new InMemoryDtls(SrtpProfile.Aes128CmHmacSha1Tag80, noise: (client, datagram) =>
        {
            client.Enqueue(datagram.Span[..random.Next(0, datagram.Length)]); // truncated copy
            var junk = random.Bytes(random.Next(1, 300));
            junk[0] = (byte)random.Next(20, 64);
            client.Enqueue(junk);
            if (injected++ % 3 == 0)
            {
                client.Enqueue(random.Bytes(65_000)); // oversized
            }
        });

        var keys = await harness.RunAsync();

        Assert.True(injected > 0);
        Assert.Equal(harness.Server.KeyingMaterial, keys.ClientKey.Concat(keys.ServerKey).Concat(keys.ClientSalt).Concat(keys.ServerSalt).ToArray());
    }

    [Fact]
    public async Task Forged_plaintext_handshake_fragments_end_in_success_or_the_typed_handshake_error()
    {
        // A well-formed epoch-0 record header with a random body is a forged handshake fragment, which
        // DTLS 1.2 cannot authenticate before Finished (it can stall reassembly: a known property of
        // the protocol, not of the parser). The demux only admits DTLS from ICE-verified addresses; here
        // the only acceptable outcomes are keys or the session's IOException, in bounded time.
        var random = new FuzzRandom(6347);
        using var harness = new InMemoryDtls(SrtpProfile.Aes128CmHmacSha1Tag80, handshakeTimeout: TimeSpan.FromSeconds(5), noise: (client, datagram) =>
        {
            var header = datagram.Span[..Math.Min(13, datagram.Length)].ToArray();
            client.Enqueue([.. header, .. random.Bytes(random.Next(0, 200))]);
        });

        try
        {
            await harness.RunAsync();
        }
        catch (IOException exception)
        {
            Assert.Contains("DTLS handshake failed", exception.Message, StringComparison.Ordinal);
        }
    }

    /// Our DtlsSession (client) against BcDtlsSrtpServer, wired through two in-memory queues.
    private sealed class InMemoryDtls : IDisposable
    {
        private readonly DtlsDatagramQueue _serverTransport;
        private readonly DtlsSession _client;
        private readonly Thread _serverThread;
        private readonly TaskCompletionSource _serverDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public InMemoryDtls(SrtpProfile profile, DtlsCertificate? fingerprintOf = null, Func<int, bool>? dropServerDatagram = null,
            Action<DtlsSession, ReadOnlyMemory<byte>>? noise = null, TimeSpan? handshakeTimeout = null)
        {
            var serverCertificate = DtlsCertificate.Generate(TimeProvider.System);
            ClientCertificate = DtlsCertificate.Generate(TimeProvider.System);
            Server = new BcDtlsSrtpServer(serverCertificate);
            Assert.True(SdpFingerprint.TryParse((fingerprintOf ?? serverCertificate).Fingerprint, out var fingerprint));
            DtlsSession? client = null;
            var serverSends = 0;
            _serverTransport = new DtlsDatagramQueue(
                datagram =>
                {
                    if (dropServerDatagram?.Invoke(Interlocked.Increment(ref serverSends)) != true)
                    {
                        noise?.Invoke(client!, datagram);
                        client!.Enqueue(datagram.Span);
                    }
                },
                1150);
            client = new DtlsSession(ClientCertificate, [fingerprint!], [profile], datagram => _serverTransport.Enqueue(datagram.Span), handshakeTimeout ?? TimeSpan.FromSeconds(20), NullLogger.Instance);
            _client = client;
            _serverThread = new Thread(() =>
            {
                try
                {
                    new DtlsServerProtocol().Accept(Server, _serverTransport);
                }
                catch (Exception exception) when (exception is TlsException or IOException)
                {
                    // The fingerprint test makes the client abort; the server then fails too.
                }
                finally
                {
                    _serverDone.TrySetResult();
                }
            })
            { IsBackground = true };
        }

        public BcDtlsSrtpServer Server { get; }

        public DtlsCertificate ClientCertificate { get; }

        public async Task<DtlsSrtpKeys> RunAsync()
        {
            _serverThread.Start();
            _client.Start();
            var keys = await _client.Handshake.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            await _serverDone.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            return keys;
        }

        public void Dispose()
        {
            _client.Dispose();
            _serverTransport.Dispose();
        }
    }
}
