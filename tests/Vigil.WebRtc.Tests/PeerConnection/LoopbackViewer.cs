using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Org.BouncyCastle.Tls;
using Vigil.WebRtc.Dtls;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Rtcp;
using Vigil.WebRtc.Rtp;
using Vigil.WebRtc.Srtp;
using Vigil.WebRtc.Stun;
using Vigil.WebRtc.Tests.Dtls;
using Vigil.WebRtc.Tests.H264;
using Vigil.WebRtc.Tests.Sdp;

namespace Vigil.WebRtc.Tests.PeerConnection;

/// A minimal viewer written from the receiving side's rules, for tests that need to send RTCP
/// feedback on demand (which Chromium only does when it loses something): it offers like
/// Chromium 156 (the stored offer with its own credentials and certificate), is the controlling
/// ICE agent with USE-CANDIDATE, the BouncyCastle DTLS server, and unprotects what it receives.
internal sealed class LoopbackViewer : IAsyncDisposable
{
    public const uint RtcpSsrc = 1;
    private static readonly IceCredentials Credentials = new("view", "viewer-password-0123456789");
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly DtlsCertificate _certificate = DtlsCertificate.Generate(TimeProvider.System);
    private readonly BcDtlsSrtpServer _dtlsServer;
    private readonly DtlsDatagramQueue _dtls;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<DtlsSrtpKeys> _keys = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IPEndPoint> _candidate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly H264Depacketizer _depacketizer = new();
    private Task? _receive;
    private IPEndPoint? _camera;
    private string _cameraUfrag = string.Empty;
    private byte[] _cameraKey = [];
    private SrtpContext? _fromCamera;
    private SrtpContext? _toCamera;

    public LoopbackViewer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _dtlsServer = new BcDtlsSrtpServer(_certificate);
        _dtls = new DtlsDatagramQueue(d => _socket.SendTo(d.Span, _camera!), 1200);
    }

    public Dictionary<ushort, byte[]> ProtectedPackets { get; } = [];

    public List<ushort> SequenceLog { get; } = [];

    /// Packets received again (retransmissions), as received.
    public Dictionary<ushort, byte[]> Repeats { get; } = [];

    public int Frames { get; private set; }

    public uint MediaSsrc { get; private set; }

    public Channel<RtcpFeedback> SenderReports { get; } = Channel.CreateUnbounded<RtcpFeedback>();

    /// Packet types (200 SR, 202 SDES, 203 BYE, ...) of every decrypted compound from the camera.
    public List<byte> RtcpPacketTypes { get; } = [];

    public bool DtlsClosedByCamera => _dtlsServerClosed.Task.IsCompleted;

    private readonly TaskCompletionSource _dtlsServerClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Offer => SdpNegotiationTests.ChromiumOffer
        .Replace("a=ice-ufrag:OQu7", "a=ice-ufrag:" + Credentials.Ufrag, StringComparison.Ordinal)
        .Replace("a=ice-pwd:UEr+SwwyRWwK8k66jkbNS5yK", "a=ice-pwd:" + Credentials.Pwd, StringComparison.Ordinal)
        .Replace("a=fingerprint:sha-256 D6:5F:F6:72:B5:C6:C9:70:44:CF:D7:D0:51:7F:FB:3D:9D:F7:73:CB:3D:8D:F7:5B:20:EA:0B:34:DB:51:49:F1",
            "a=fingerprint:" + _certificate.Fingerprint, StringComparison.Ordinal);

    public async Task ConnectAsync(WebRtcPeerConnection camera, CancellationToken ct)
    {
        camera.LocalCandidate += (_, e) =>
        {
            if (e.Candidate is not null && IceCandidate.TryParse(e.Candidate, out var c) && c.EndPoint is { } ep)
            {
                _candidate.TrySetResult(ep);
            }
        };
        var answer = await camera.AcceptOfferAsync(Offer, ct);
        var lines = answer.Split("\r\n");
        _cameraUfrag = lines.First(l => l.StartsWith("a=ice-ufrag:", StringComparison.Ordinal))["a=ice-ufrag:".Length..];
        _cameraKey = StunCredentials.ShortTermKey(lines.First(l => l.StartsWith("a=ice-pwd:", StringComparison.Ordinal))["a=ice-pwd:".Length..]);
        _camera = await _candidate.Task.WaitAsync(TimeSpan.FromSeconds(5), ct);
        _receive = Task.Run(ReceiveLoopAsync, ct);
        var server = new Thread(() =>
        {
            try
            {
                var transport = new DtlsServerProtocol().Accept(_dtlsServer, _dtls);
                _keys.TrySetResult(DtlsSrtpKeys.Split(_dtlsServer.Profile, _dtlsServer.KeyingMaterial));
                var buffer = new byte[1500];
                while (!_stop.IsCancellationRequested)
                {
                    transport.Receive(buffer, 0, buffer.Length, 200);
                }
            }
            catch (Exception exception) when (exception is TlsException or IOException)
            {
                _keys.TrySetException(exception);
                _dtlsServerClosed.TrySetResult();
            }
        })
        { IsBackground = true };
        server.Start();

        // Controlling agent, aggressive-style: every check nominates.
        while (!_keys.Task.IsCompleted)
        {
            var request = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
                .AddString(StunAttributeType.Username, $"{_cameraUfrag}:{Credentials.Ufrag}")
                .AddUInt32(StunAttributeType.Priority, 1845501695)
                .AddUInt64(StunAttributeType.IceControlling, 42)
                .AddFlag(StunAttributeType.UseCandidate)
                .AddMessageIntegrity(_cameraKey).AddFingerprint();
            _socket.SendTo(request.Written, _camera);
            await Task.WhenAny(_keys.Task, Task.Delay(100, ct));
        }

        var keys = await _keys.Task;
        lock (_gate)
        {
            _fromCamera = keys.CreateClientContext();
            _toCamera = keys.CreateServerContext();
        }
    }

    /// Protects (with the server keys, as a browser would) and sends an RTCP packet to the camera.
    public void SendRtcp(Func<Span<byte>, int> write)
    {
        var buffer = new byte[256];
        var length = write(buffer);
        lock (_gate)
        {
            length = _toCamera!.ProtectRtcp(buffer, length);
        }

        _socket.SendTo(buffer.AsSpan(0, length), _camera!);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                var datagram = buffer.AsSpan(0, result.ReceivedBytes).ToArray();
                Handle(datagram, (IPEndPoint)result.RemoteEndPoint);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Handle(byte[] datagram, IPEndPoint source)
    {
        if (datagram[0] < 4)
        {
            if (StunMessage.TryParse(datagram, out var message) && message.Class == StunClass.Request)
            {
                Assert.True(message.VerifyMessageIntegrity(StunCredentials.ShortTermKey(Credentials.Pwd)));
                var response = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, message.TransactionId)
                    .AddXorAddress(StunAttributeType.XorMappedAddress, source)
                    .AddMessageIntegrity(StunCredentials.ShortTermKey(Credentials.Pwd)).AddFingerprint();
                _socket.SendTo(response.Written, source);
            }

            return;
        }

        if (datagram[0] is >= 20 and <= 63)
        {
            _dtls.Enqueue(datagram);
            return;
        }

        lock (_gate)
        {
            if (_fromCamera is null)
            {
                return;
            }

            if (RtcpPacketType.IsRtcp(datagram))
            {
                if (_fromCamera.TryUnprotectRtcp(datagram, datagram.Length, out var plain))
                {
                    for (var offset = 0; offset + 4 <= plain; offset += (BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(offset + 2)) + 1) * 4)
                    {
                        RtcpPacketTypes.Add(datagram[offset + 1]);
                    }

                    var parsed = new List<RtcpFeedback>();
                    if (RtcpReader.TryParse(datagram.AsSpan(0, plain), parsed))
                    {
                        foreach (var item in parsed)
                        {
                            SenderReports.Writer.TryWrite(item);
                        }
                    }
                }

                return;
            }

            var copy = (byte[])datagram.Clone();
            // The RTP header is sent in the clear: a repeat of a sequence number we already have is a
            // NACK retransmission, which our own replay window would (rightly) refuse; keep its bytes.
            if (RtpHeader.TryRead(datagram, out var clear) && ProtectedPackets.ContainsKey(clear.SequenceNumber))
            {
                Repeats[clear.SequenceNumber] = copy;
                return;
            }

            if (!_fromCamera.TryUnprotectRtp(datagram, datagram.Length, out var length) || !RtpHeader.TryRead(datagram, out var header))
            {
                return;
            }

            MediaSsrc = header.Ssrc;
            ProtectedPackets[header.SequenceNumber] = copy;
            SequenceLog.Add(header.SequenceNumber);
            _depacketizer.Push(datagram.AsSpan(header.Length, length - header.Length));
            if (header.Marker)
            {
                Frames++;
            }
        }
    }

    public T Locked<T>(Func<LoopbackViewer, T> read)
    {
        lock (_gate)
        {
            return read(this);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_receive is not null)
        {
            await _receive;
        }

        _dtls.Dispose();
        _socket.Dispose();
        _fromCamera?.Dispose();
        _toCamera?.Dispose();
    }

    public static uint ReadSsrc(byte[] packet) => BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(8));
}
