using System.Net.WebSockets;
using System.Threading.Channels;
using Vigil.Server.Features.Credentials;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// One client on a channel's WebSocket: its role and id, an outgoing queue drained by one writer (so the
/// hub never waits on a slow socket), its rate limits and the times the sweeper checks.
/// </summary>
internal sealed class SignalingConnection
{
    /// <summary>Frames waiting for a slow client; a client that falls this far behind is disconnected.</summary>
    public const int OutgoingCapacity = 512;

    private readonly Channel<byte[]> _outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(OutgoingCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Lock _closeLock = new();
    private bool _closed;
    private long _lastActivity;
    private int _goAwaySent;

    public SignalingConnection(WebSocket socket, string channelArn, string? clientId, TimeProvider time, SignalingOptions options, CallerIdentity? caller = null)
    {
        Caller = caller;
        Socket = socket;
        ChannelArn = channelArn;
        ClientId = clientId;
        Time = time;
        ConnectedAt = time.GetTimestamp();
        _lastActivity = ConnectedAt;
        SdpLimit = new TokenBucket(time, options.SdpMessagesPerSecond, options.SdpMessagesPerSecond);
        IceLimit = new TokenBucket(time, options.IceCandidatesPerSecond, options.IceCandidatesPerSecond);
    }

    public WebSocket Socket { get; }

    /// <summary>Tells this connection from a later one with the same role and id (cluster mode names connections by it).</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Who opened it, for the periodic access review; null only in tests of the session alone.</summary>
    public CallerIdentity? Caller { get; }

    public string ChannelArn { get; }

    /// <summary>The viewer's <c>X-Amz-ClientId</c>; null for the master.</summary>
    public string? ClientId { get; }

    public bool IsMaster => ClientId is null;

    public TimeProvider Time { get; }

    public long ConnectedAt { get; }

    public TokenBucket SdpLimit { get; }

    public TokenBucket IceLimit { get; }

    public WebSocketCloseStatus CloseStatus { get; private set; } = WebSocketCloseStatus.NormalClosure;

    public string CloseReason { get; private set; } = "";

    public ChannelReader<byte[]> Outgoing => _outgoing.Reader;

    public TimeSpan Idle => Time.GetElapsedTime(Interlocked.Read(ref _lastActivity));

    public TimeSpan Age => Time.GetElapsedTime(ConnectedAt);

    public void Touch() => Interlocked.Exchange(ref _lastActivity, Time.GetTimestamp());

    /// <summary>Queues a frame; false (and the connection is closed) when the client does not keep up.</summary>
    public bool TrySend(byte[] frame)
    {
        if (_outgoing.Writer.TryWrite(frame))
        {
            Touch();
            return true;
        }

        Close(WebSocketCloseStatus.PolicyViolation, "too slow: outgoing queue full");
        return false;
    }

    /// <summary>Sends GO_AWAY once.</summary>
    public void GoAway()
    {
        if (Interlocked.Exchange(ref _goAwaySent, 1) == 0)
        {
            _outgoing.Writer.TryWrite(ServerMessages.GoAway);
        }
    }

    public bool GoAwaySent => Volatile.Read(ref _goAwaySent) == 1;

    /// <summary>Closing or closed: it takes no more frames.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_closeLock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Ends the connection: queued frames are still written, then the socket is closed with this status.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        lock (_closeLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            CloseStatus = status;
            CloseReason = reason;
            _outgoing.Writer.TryComplete();
        }
    }

    public override string ToString() => ClientId is null ? $"master of {ChannelArn}" : $"viewer {ClientId} of {ChannelArn}";
}
