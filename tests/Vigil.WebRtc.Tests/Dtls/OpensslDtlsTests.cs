using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.TestSupport;
using Vigil.WebRtc.Dtls;
using Vigil.WebRtc.Sdp;
using Vigil.WebRtc.Srtp;
using Vigil.WebRtc.Tests.Srtp;

namespace Vigil.WebRtc.Tests.Dtls;

/// Our DTLS client against a real `openssl s_server -dtls1_2 -use_srtp` on a loopback UDP socket:
/// the keying material openssl exports (EXTRACTOR-dtls_srtp, 60 bytes) must equal ours, and
/// libsrtp keyed from openssl's bytes must decrypt what we protect with our own keys.
public sealed class OpensslDtlsTests
{
    [Fact]
    public async Task Keying_material_matches_openssl_and_libsrtp_decrypts_our_srtp_with_it()
    {
        var openssl = RequiredTool.Find("openssl", "openssl");
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("vigil-dtls-");
        try
        {
            var serverCertificate = DtlsCertificate.Generate(TimeProvider.System);
            var certPath = Path.Combine(directory.FullName, "server.pem");
            var keyPath = Path.Combine(directory.FullName, "server.key");
            await File.WriteAllTextAsync(certPath, PemEncoding.WriteString("CERTIFICATE", serverCertificate.Der), ct);
            await File.WriteAllTextAsync(keyPath, PemEncoding.WriteString("PRIVATE KEY", serverCertificate.Pkcs8PrivateKey), ct);

            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = FreeUdpPort();
            await using var server = ExternalProcess.Start(openssl,
            [
                "s_server", "-dtls1_2", "-accept", $"127.0.0.1:{port}", "-cert", certPath, "-key", keyPath,
                "-use_srtp", "SRTP_AES128_CM_SHA1_80", "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60",
                "-Verify", "1",
            ]);
            await server.WaitForLineAsync(l => l.Contains("ACCEPT", StringComparison.Ordinal), TimeSpan.FromSeconds(10), ct);

            Assert.True(SdpFingerprint.TryParse(serverCertificate.Fingerprint, out var fingerprint));
            var remote = new IPEndPoint(IPAddress.Loopback, port);
            using var session = new DtlsSession(
                DtlsCertificate.Generate(TimeProvider.System), [fingerprint], [SrtpProfile.Aes128CmHmacSha1Tag80],
                datagram => socket.SendTo(datagram.Span, remote), TimeSpan.FromSeconds(20), NullLogger.Instance);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var receive = Task.Run(async () =>
            {
                var buffer = new byte[2048];
                while (!stop.IsCancellationRequested)
                {
                    var result = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                    session.Enqueue(buffer.AsSpan(0, result.ReceivedBytes));
                }
            }, stop.Token);
            session.Start();

            var keys = await session.Handshake.WaitAsync(TimeSpan.FromSeconds(30), ct);
            var line = await server.WaitForLineAsync(l => l.Contains("Keying material:", StringComparison.Ordinal), TimeSpan.FromSeconds(10), ct);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive);

            var exported = Convert.FromHexString(line.Split(':', 2)[1].Trim());
            Assert.Equal(60, exported.Length);
            Assert.Equal(exported, keys.ClientKey.Concat(keys.ServerKey).Concat(keys.ClientSalt).Concat(keys.ServerSalt).ToArray());
            Assert.Contains("SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80", server.Output, StringComparison.Ordinal);

            // RFC 5764 §4.2 split done here, independently of DtlsSrtpKeys: client key 0..15, client salt 32..45.
            using var libsrtp = LibSrtp.Create(exported.AsSpan(0, 16), exported.AsSpan(32, 14), inbound: true);
            using var ours = keys.CreateClientContext();
            for (ulong index = 65530; index < 65545; index++)
            {
                var packet = LibSrtpInteropTests.Build(index, [1, 2, 3, (byte)index], ours);
                var length = packet.Length;
                Assert.Equal(0, libsrtp.UnprotectRtp(packet, ref length));
                Assert.Equal([1, 2, 3, (byte)index], packet[12..length]);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
