using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Vigil.Agent.Media;
using Vigil.Contracts.Kvs.Signaling;
using Vigil.WebRtc;
using Vigil.WebRtc.H264;
using Vigil.WebRtc.Sdp;

namespace Vigil.Agent.Streaming;

/// <summary>
/// One viewer: a <see cref="WebRtcPeerConnection"/> answering its offer, trickle ICE both ways over
/// the signaling channel, and, once connected, the live stream (the cached GOP, then live frames). It
/// ends when the viewer closes the connection (DTLS close_notify), stops answering (ICE consent
/// expires after 30 s), never connects, or is replaced by a new offer from the same client id.
/// </summary>
internal sealed partial class ViewerSession : IAsyncDisposable
{
    /// <summary>Frames a viewer may fall behind before its backlog is dropped (about 5 s at 30 fps).</summary>
    public const int QueueFrames = 150;

    private readonly string _clientId;
    private readonly LiveStream _live;
    private readonly Func<SignalingClientMessage, CancellationToken, Task<bool>> _send;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Action<ViewerSession, string> _ended;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SignalingClientMessage> _outgoing = Channel.CreateUnbounded<SignalingClientMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly List<IceCandidatePayload> _remoteCandidates = [];
    private readonly List<SignalingClientMessage> _earlyLocalCandidates = [];
    private readonly long _created;
    private WebRtcPeerConnection? _connection;
    private FrameSubscription? _subscription;
    private Task _feed = Task.CompletedTask;
    private Task _sender = Task.CompletedTask;
    private bool _answered;
    private int _endReported;
    private long _framesSent;

    public ViewerSession(string clientId, LiveStream live, Func<SignalingClientMessage, CancellationToken, Task<bool>> send, ILogger logger, TimeProvider time,
        Action<ViewerSession, string> ended)
    {
        _clientId = clientId;
        _live = live;
        _send = send;
        _logger = logger;
        _time = time;
        _ended = ended;
        _created = time.GetTimestamp();
    }

    public string ClientId => _clientId;

    public PeerConnectionState State => _connection?.State ?? PeerConnectionState.New;

    public TimeSpan Age => _time.GetElapsedTime(_created);

    public bool IsConnected => State is PeerConnectionState.Connected or PeerConnectionState.Disconnected;

    /// <summary>Answers the offer; false (with a log line) when it cannot be answered.</summary>
    public async Task<bool> StartAsync(string offer, WebRtcSettings settings, CancellationToken cancellationToken)
    {
        _sender = SendLoopAsync(_stop.Token);
        var profile = await _live.WaitForProfileAsync(TimeSpan.FromSeconds(5), _time, cancellationToken) ?? H264Profile.ConstrainedBaseline;
        foreach (var candidate in ProfilesToTry(profile))
        {
            var connection = new WebRtcPeerConnection(settings);
            var track = connection.AddVideoTrack(new VideoTrackSettings { Profile = candidate, StreamId = "vigil", TrackId = "camera" });
            string answer;
            try
            {
                connection.LocalCandidate += OnLocalCandidate;
                connection.ConnectionStateChanged += OnStateChanged;
                track.KeyframeRequested += (_, e) => _live.RequestKeyframe(e.Reason);
                lock (_gate)
                {
                    _connection = connection;
                    foreach (var remote in _remoteCandidates)
                    {
                        connection.AddRemoteCandidate(remote.Candidate, remote.UsernameFragment);
                    }
                }

                answer = await connection.AcceptOfferAsync(offer, cancellationToken);
            }
            catch (SdpException e)
            {
                lock (_gate)
                {
                    _connection = null;
                    _earlyLocalCandidates.Clear();
                }

                await connection.DisposeAsync();
                Log.OfferNotUsable(_logger, _clientId, candidate, e.Message);
                continue;
            }

            var payload = JsonSerializer.SerializeToUtf8Bytes(new SessionDescriptionPayload { Type = "answer", Sdp = answer }, SignalingJsonContext.Default.SessionDescriptionPayload);
            lock (_gate)
            {
                _outgoing.Writer.TryWrite(Message(SignalingMessageTypes.SdpAnswer, payload));
                foreach (var early in _earlyLocalCandidates)
                {
                    _outgoing.Writer.TryWrite(early);
                }

                _earlyLocalCandidates.Clear();
                _answered = true;
            }

            Log.Answered(_logger, _clientId, candidate, _time.GetElapsedTime(_created).TotalMilliseconds);
            return true;
        }

        return false;
    }

    /// <summary>A candidate the viewer trickled (before or after its offer was answered).</summary>
    public void AddRemoteCandidate(IceCandidatePayload candidate)
    {
        WebRtcPeerConnection? connection;
        lock (_gate)
        {
            _remoteCandidates.Add(candidate);
            connection = _connection;
        }

        connection?.AddRemoteCandidate(candidate.Candidate, candidate.UsernameFragment);
    }

    public PeerConnectionStats? Stats() => _connection?.GetStats();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _outgoing.Writer.TryComplete();
        if (_subscription is { } subscription)
        {
            _live.Unsubscribe(subscription);
        }

        await AwaitQuietly(_feed);
        await AwaitQuietly(_sender);
        WebRtcPeerConnection? connection;
        lock (_gate)
        {
            connection = _connection;
            _connection = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }

        _stop.Dispose();
    }

    /// H.264 profiles to answer with, in order: the stream's own, then the closest the browser may
    /// offer (Chromium offers no High profile; its software decoder decodes High all the same, which
    /// is what mediamtx relies on when it always answers 42e01f).
    private static IEnumerable<H264Profile> ProfilesToTry(H264Profile stream) => stream switch
    {
        H264Profile.High or H264Profile.ConstrainedHigh or H264Profile.PredictiveHigh444 => [stream, H264Profile.High, H264Profile.Main, H264Profile.ConstrainedBaseline],
        H264Profile.Main => [stream, H264Profile.ConstrainedBaseline],
        H264Profile.Baseline => [stream, H264Profile.ConstrainedBaseline],
        _ => [stream],
    };

    private void OnLocalCandidate(object? sender, IceCandidateEventArgs e)
    {
        if (e.Candidate is null)
        {
            return; // the KVS SDKs send no end-of-candidates; browsers do not need one
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(
            new IceCandidatePayload { Candidate = e.Candidate, SdpMid = e.SdpMid, SdpMLineIndex = e.SdpMLineIndex },
            SignalingJsonContext.Default.IceCandidatePayload);
        var message = Message(SignalingMessageTypes.IceCandidate, payload);
        lock (_gate)
        {
            if (!ReferenceEquals(sender, _connection))
            {
                return;
            }

            if (_answered)
            {
                _outgoing.Writer.TryWrite(message);
            }
            else
            {
                _earlyLocalCandidates.Add(message);
            }
        }
    }

    private void OnStateChanged(object? sender, PeerConnectionState state)
    {
        if (!ReferenceEquals(sender, _connection))
        {
            return;
        }

        switch (state)
        {
            case PeerConnectionState.Connected when _subscription is null:
                var connection = (WebRtcPeerConnection)sender!;
                var stats = connection.GetStats();
                _subscription = _live.Subscribe(QueueFrames);
                Log.Connected(_logger, _clientId, _time.GetElapsedTime(_created).TotalMilliseconds, stats.SelectedLocalCandidateType?.ToString() ?? "?",
                    stats.SelectedRemoteCandidateType?.ToString() ?? "?", _subscription.CatchUp.Count);
                _feed = FeedAsync(connection.VideoTrack!, _subscription, _stop.Token);
                break;
            case PeerConnectionState.Failed:
                End("the connection failed (ICE, consent or DTLS)");
                break;
            case PeerConnectionState.Closed:
                End("the viewer closed the connection");
                break;
            default:
                break;
        }
    }

    /// <summary>Reports the end once; the hub disposes the session.</summary>
    public void End(string reason)
    {
        if (Interlocked.Exchange(ref _endReported, 1) == 0)
        {
            Log.Ended(_logger, _clientId, reason, Age.TotalSeconds, Interlocked.Read(ref _framesSent), _subscription?.Dropped ?? 0);
            _ended(this, reason);
        }
    }

    private async Task FeedAsync(VideoTrack track, FrameSubscription subscription, CancellationToken cancellationToken)
    {
        // Off the connection's event thread: writing paces, and the first frames are a burst.
        await Task.Yield();
        var timeline = new ViewerTimeline();
        try
        {
            var catchUp = subscription.CatchUp;
            var stamps = timeline.StartWith(catchUp);
            for (var i = 0; i < catchUp.Count; i++)
            {
                await track.WriteAsync(catchUp[i].AnnexB, stamps[i], cancellationToken);
                Interlocked.Increment(ref _framesSent);
            }

            await foreach (var frame in subscription.Frames.ReadAllAsync(cancellationToken))
            {
                await track.WriteAsync(frame.AnnexB, timeline.Next(frame), cancellationToken);
                Interlocked.Increment(ref _framesSent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The session ended.
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            Log.FeedStopped(_logger, _clientId, e.Message);
        }
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outgoing.Reader.ReadAllAsync(cancellationToken))
            {
                if (!await _send(message, cancellationToken))
                {
                    Log.NotSent(_logger, message.Action, _clientId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The session ended.
        }
    }

    private SignalingClientMessage Message(string action, byte[] json) => new()
    {
        Action = action,
        MessagePayload = Convert.ToBase64String(json),
        RecipientClientId = _clientId,
    };

    private static async Task AwaitQuietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Expected on stop.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Viewer {ClientId}: offer answered ({Profile}) in {Milliseconds:0} ms")]
        public static partial void Answered(ILogger logger, string clientId, H264Profile profile, double milliseconds);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Viewer {ClientId}: connected {Milliseconds:0} ms after its offer ({Local} to {Remote}); sending the cached GOP ({Frames} frames), then live")]
        public static partial void Connected(ILogger logger, string clientId, double milliseconds, string local, string remote, int frames);

        [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Viewer {ClientId}: left, {Reason} ({Seconds:0.0} s, {Frames} frames sent, {Dropped} dropped)")]
        public static partial void Ended(ILogger logger, string clientId, string reason, double seconds, long frames, long dropped);

        [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Viewer {ClientId}: cannot answer its offer with H.264 {Profile}: {Reason}")]
        public static partial void OfferNotUsable(ILogger logger, string clientId, H264Profile profile, string reason);

        [LoggerMessage(EventId = 1205, Level = LogLevel.Debug, Message = "Viewer {ClientId}: {Action} not sent (signaling is reconnecting)")]
        public static partial void NotSent(ILogger logger, string action, string clientId);

        [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Viewer {ClientId}: media stopped: {Reason}")]
        public static partial void FeedStopped(ILogger logger, string clientId, string reason);
    }
}
