using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Vigil.WebRtc.Sdp;
using Vigil.WebRtc.Srtp;

namespace Vigil.WebRtc.Dtls;

/// Runs the DTLS-SRTP client handshake on a dedicated thread (BouncyCastle's DTLS API blocks) and
/// keeps reading the DTLS transport afterwards, so BC re-sends its last flight when the browser
/// retransmits (pion/webrtc #2089: long-RTT links died after 15 s without this) and a
/// close_notify ends the session at once.
internal sealed partial class DtlsSession : IDisposable
{
    private readonly DtlsDatagramQueue _transport;
    private readonly DtlsSrtpClient _client;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<DtlsSrtpKeys> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DtlsTransport? _dtls;
    private int _started;
    private volatile bool _disposed;

    public DtlsSession(
        DtlsCertificate certificate,
        IReadOnlyList<SdpFingerprint> remoteFingerprints,
        IReadOnlyList<SrtpProfile> profiles,
        Action<ReadOnlyMemory<byte>> send,
        TimeSpan handshakeTimeout,
        ILogger logger,
        int sendLimit = 1150)
    {
        _logger = logger;
        _transport = new DtlsDatagramQueue(send, sendLimit);
        _client = new DtlsSrtpClient(new BcTlsCrypto(new SecureRandom()), certificate, remoteFingerprints, profiles, handshakeTimeout, logger);
    }

    /// Completes with the exported SRTP keys, or faults when the handshake fails or times out.
    public Task<DtlsSrtpKeys> Handshake => _handshake.Task;

    /// Completes when the session ended (peer close_notify or fatal alert, failure, disposal).
    public Task Closed => _closed.Task;

    public byte[]? PeerCertificate => _client.PeerCertificate;

    /// Hands a DTLS record from the network to BouncyCastle (kept if the handshake has not started).
    public void Enqueue(ReadOnlySpan<byte> record) => _transport.Enqueue(record);

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        new Thread(Run) { IsBackground = true, Name = "vigil-dtls" }.Start();
    }

    private void Run()
    {
        try
        {
            Log.HandshakeStarting(_logger);
            _dtls = new DtlsClientProtocol().Connect(_client, _transport);
            var keys = DtlsSrtpKeys.Split(_client.SelectedProfile!.Value, _client.KeyingMaterial);
            Log.HandshakeCompleted(_logger, keys.Profile);
            _handshake.TrySetResult(keys);

            var buffer = new byte[_dtls.GetReceiveLimit()];
            while (!_disposed && !_client.PeerClosed)
            {
                // Application data is not used (no data channels); the call services the record layer.
                _dtls.Receive(buffer, 0, buffer.Length, 1000);
            }
        }
        catch (Exception exception)
        {
            // Thread boundary: any failure ends the session instead of the process.
            if (_client.PeerClosed)
            {
                Log.PeerClosed(_logger);
            }
            else if (!_disposed)
            {
                Log.SessionFailed(_logger, exception);
            }

            _handshake.TrySetException(new IOException("DTLS handshake failed: " + exception.Message, exception));
        }
        finally
        {
            _handshake.TrySetException(new ObjectDisposedException(nameof(DtlsSession)));
            _closed.TrySetResult();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            // Sends close_notify so the browser tears down at once instead of waiting for consent.
            _dtls?.Close();
        }
        catch (Exception exception) when (exception is TlsException or IOException or InvalidOperationException)
        {
            Log.CloseFailed(_logger, exception);
        }

        _transport.Close();
        if (Volatile.Read(ref _started) == 0)
        {
            _handshake.TrySetException(new ObjectDisposedException(nameof(DtlsSession)));
            _closed.TrySetResult();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "DTLS handshake starting (client)")]
        public static partial void HandshakeStarting(ILogger logger);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "DTLS handshake completed, SRTP profile {Profile}")]
        public static partial void HandshakeCompleted(ILogger logger, SrtpProfile profile);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "DTLS session failed")]
        public static partial void SessionFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "DTLS closed by the peer")]
        public static partial void PeerClosed(ILogger logger);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "DTLS close failed")]
        public static partial void CloseFailed(ILogger logger, Exception exception);
    }
}
