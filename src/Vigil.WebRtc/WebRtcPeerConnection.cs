using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Vigil.WebRtc.Dtls;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Sdp;

namespace Vigil.WebRtc;

/// <summary>
/// A send-only WebRTC peer connection that answers a browser's offer: full ICE (host, server-reflexive,
/// relay through TURN) as the controlled agent, DTLS 1.2 client with DTLS-SRTP, and one H.264 video track.
/// </summary>
/// <remarks>
/// Usage: create it with <see cref="WebRtcSettings"/>, <see cref="AddVideoTrack"/>, subscribe to
/// <see cref="LocalCandidate"/> (trickle), call <see cref="AcceptOfferAsync"/> and send the answer,
/// pass the browser's candidates to <see cref="AddRemoteCandidate"/> (also before the offer), then
/// write access units to the track. Events are raised outside the connection's lock, one at a time and
/// in order, on the thread that produced them (a socket receive loop, the timer or the caller) or on the
/// thread already delivering events: handlers may call back into the connection, from any thread, but
/// should return quickly. Dispose it when the viewer leaves or the state is <see cref="PeerConnectionState.Failed"/>.
/// </remarks>
public sealed partial class WebRtcPeerConnection : IAsyncDisposable
{
    private readonly WebRtcSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _epoch;
    private readonly ConcurrentQueue<Action> _events = new();
    private int _flushing;
    private readonly CancellationTokenSource _stop = new();
    private readonly DtlsCertificate _certificate;
    private readonly IceAgent _agent;
    // One re-entrant lock serialises everything that touches ICE/TURN/DTLS/RTCP state: socket
    // receives, the timer and API calls run under it on whatever thread they arrive. (The earlier
    // channel-fed event loop cost two thread-pool hops per datagram and a 25 ms tick, i.e. 80 wake-ups
    // a second per connection even when idle, against a budget of 2 % of a core per stream; the timer
    // is now armed for the next real deadline.) User event handlers never run under it: they are
    // queued and invoked after it is released, in order (deadlock-free whatever they call).
    private readonly Lock _gate = new();
    private readonly List<Task> _tasks = [];
    private readonly List<IceCandidate> _earlyCandidates = [];
    private readonly ulong _sessionId;
    private readonly string _cname;
    private VideoTrack? _video;
    private SdpNegotiation? _negotiation;
    private ulong _answerVersion;
    private bool _earlyEndOfCandidates;
    private int _disposed;
    private int _state = (int)PeerConnectionState.New;

    /// <summary>Creates a connection; nothing is bound or sent until <see cref="AcceptOfferAsync"/>.</summary>
    /// <param name="settings">Servers, addresses, timers, clock and logging.</param>
    public WebRtcPeerConnection(WebRtcSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxRtpPayloadSize, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.MaxRtpPayloadSize, 1400);
        if (settings.SrtpProfiles.Count == 0)
        {
            throw new ArgumentException("At least one SRTP profile is needed.", nameof(settings));
        }

        _settings = settings;
        _time = settings.TimeProvider;
        _epoch = _time.GetTimestamp();
        _logger = settings.LoggerFactory.CreateLogger<WebRtcPeerConnection>();
        _certificate = DtlsCertificate.Generate(_time);
        _sessionId = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 2;
        _cname = settings.Cname ?? IceCredentials.RandomString(16);
        _agent = new IceAgent(IceCredentials.Generate(), new IceAgentOptions
        {
            ConsentInterval = settings.ConsentInterval,
            ConsentTimeout = settings.ConsentTimeout,
            FailureTimeout = settings.IceConnectTimeout,
        }, settings.LoggerFactory.CreateLogger<IceAgent>());
        _agent.SelectedPairChanged = OnSelectedPairChanged;
        _agent.StateChanged = _ => UpdateState();
        _timer = _time.CreateTimer(_ => Run(Tick), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A local candidate to trickle, or the end of gathering (<see cref="IceCandidateEventArgs.IsEndOfCandidates"/>).</summary>
    /// <remarks>Raised after <see cref="AcceptOfferAsync"/> has produced the answer; send the answer first.</remarks>
    public event EventHandler<IceCandidateEventArgs>? LocalCandidate;

    /// <summary>Raised when <see cref="State"/> changes.</summary>
    public event EventHandler<PeerConnectionState>? ConnectionStateChanged;

    /// <summary>The current overall state.</summary>
    public PeerConnectionState State => (PeerConnectionState)Volatile.Read(ref _state);

    /// <summary>The video track, once added.</summary>
    public VideoTrack? VideoTrack => _video;

    /// <summary>SHA-256 fingerprint of our DTLS certificate, as written into the answer.</summary>
    public string Fingerprint => _certificate.Fingerprint;

    private TimeSpan Now => _time.GetElapsedTime(_epoch);

    /// True when media goes through a TURN channel (ChannelData) rather than Send indications.
    internal bool UsesTurnChannel => _path?.UsesChannel == true;

    /// <summary>Adds the H.264 video track (before <see cref="AcceptOfferAsync"/>; one per connection).</summary>
    /// <param name="settings">Profile, ids and pacing; defaults when null.</param>
    /// <exception cref="InvalidOperationException">A track was already added.</exception>
    public VideoTrack AddVideoTrack(VideoTrackSettings? settings = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (_video is not null)
            {
                throw new InvalidOperationException("This connection already has a video track.");
            }

            _video = new VideoTrack(settings ?? new VideoTrackSettings(), _settings.MaxRtpPayloadSize, _time, _settings.LoggerFactory.CreateLogger<VideoTrack>())
            {
                EventSink = RaiseFromTrack,
            };
            return _video;
        }
    }

    /// <summary>Answers the browser's offer (JSEP answerer): returns the answer SDP and starts ICE gathering and checks.</summary>
    /// <param name="sdpOffer">The offer from <c>RTCPeerConnection.createOffer()</c>.</param>
    /// <param name="cancellationToken">Cancels the call (not the connection).</param>
    /// <returns>The answer SDP (candidates follow through <see cref="LocalCandidate"/>).</returns>
    /// <exception cref="SdpException">The offer is malformed, or asks for something this sender cannot do (no H.264
    /// packetization-mode 1 of the track's profile, setup:active, ICE-lite, no rtcp-mux, an ICE restart).</exception>
    /// <exception cref="InvalidOperationException">No video track was added.</exception>
    /// <exception cref="IOException">No local address could be bound.</exception>
    public Task<string> AcceptOfferAsync(string sdpOffer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sdpOffer);
        cancellationToken.ThrowIfCancellationRequested();
        string answer;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            var video = _video ?? throw new InvalidOperationException("Add a video track before accepting an offer.");
            var offer = SdpSessionDescription.Parse(sdpOffer);
            var negotiation = SdpNegotiation.Negotiate(offer, video.Profile, _negotiation?.Video.PayloadType);
            if (_negotiation is { } previous && (previous.RemoteUfrag != negotiation.RemoteUfrag || previous.RemotePwd != negotiation.RemotePwd))
            {
                // RFC 8445 §9: new credentials mean an ICE restart, which v1 does not implement.
                throw new SdpException("The offer restarts ICE (new ice-ufrag/ice-pwd); create a new connection instead.");
            }

            video.PayloadType = negotiation.Video.PayloadType;
            answer = SdpAnswerBuilder.Build(negotiation, new SdpAnswerParameters(
                _sessionId, ++_answerVersion, _agent.Local.Ufrag, _agent.Local.Pwd, _certificate.Fingerprint,
                video.Ssrc, _cname, video.Settings.StreamId, video.Settings.TrackId));

            if (_negotiation is null)
            {
                _negotiation = negotiation;
                StartTransport(negotiation);
            }
            else
            {
                _negotiation = negotiation;
            }
        }

        FlushEvents();
        return Task.FromResult(answer);
    }

    /// <summary>Adds a candidate trickled by the browser; an empty or null candidate means end-of-candidates.</summary>
    /// <param name="candidate">The <c>candidate:…</c> string (with or without <c>a=</c>).</param>
    /// <param name="usernameFragment">The browser's ufrag, when given; candidates of another ICE generation are ignored.</param>
    /// <returns>False when the candidate is unusable here (malformed, TCP, mDNS <c>.local</c> name, other ufrag).</returns>
    /// <remarks>Candidates may arrive before the offer: they are kept until it is accepted.</remarks>
    public bool AddRemoteCandidate(string? candidate, string? usernameFragment = null)
    {
        var accepted = false;
        Run(() => accepted = AddRemoteCandidateLocked(candidate, usernameFragment));
        return accepted;
    }

    private bool AddRemoteCandidateLocked(string? candidate, string? usernameFragment)
    {
        if (_disposed != 0)
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(candidate))
        {
            if (_negotiation is null)
            {
                _earlyEndOfCandidates = true;
            }
            else
            {
                _agent.SetRemoteEndOfCandidates();
            }

            return true;
        }

        if (!IceCandidate.TryParse(candidate, out var parsed) || !parsed.IsUdp || parsed.IsMdns || parsed.EndPoint is null
            || (usernameFragment is not null && _negotiation is not null && usernameFragment != _negotiation.RemoteUfrag))
        {
            Log.RemoteCandidateRejected(_logger, candidate);
            return false;
        }

        if (_negotiation is null)
        {
            _earlyCandidates.Add(parsed);
        }
        else
        {
            _agent.AddRemoteCandidate(parsed);
        }

        return true;
    }

    /// <summary>Closes the connection: RTCP BYE, DTLS close_notify, TURN allocations released, sockets closed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        bool running;
        lock (_gate)
        {
            running = _tasks.Count > 0;
        }

        if (running)
        {
            Run(Shutdown);
        }

        _timer.Dispose();
        _video?.Detach();
        _dtls?.Dispose();
        await _stop.CancelAsync();
        // Closing the sockets ends the blocking receive threads (after BYE and close_notify went out).
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        try
        {
            await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(5), _time);
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            // Loops end by cancellation; sockets may throw while closing.
        }

        _srtpOut?.Dispose();
        _rtcpIn?.Dispose();
        _stop.Dispose();
        SetState(PeerConnectionState.Closed);
        FlushEvents();
    }

    /// <summary>A snapshot of the counters.</summary>
    public PeerConnectionStats GetStats()
    {
        var pair = _path?.Pair;
        var video = _video;
        var rtt = Volatile.Read(ref _rttTicks);
        return new PeerConnectionStats
        {
            State = State,
            IceState = _agent.State,
            SelectedLocalCandidateType = pair?.Local.Candidate.Type,
            SelectedRemoteCandidateType = pair?.Remote.Type,
            SelectedLocalAddress = pair is null ? null : $"{pair.Local.Candidate.Address}:{pair.Local.Candidate.Port}",
            SelectedRemoteAddress = pair?.Remote.EndPoint.ToString(),
            RoundTripTime = rtt > 0 ? TimeSpan.FromTicks(rtt) : pair?.RoundTripTime,
            SrtpProfile = _srtpProfile,
            PacketsSent = video?.PacketsSent ?? 0,
            PayloadBytesSent = video?.PayloadBytesSent ?? 0,
            FramesSent = video?.FramesSent ?? 0,
            KeyframesSent = video?.KeyframesSent ?? 0,
            FramesDropped = video?.FramesDropped ?? 0,
            RetransmittedPackets = video?.Retransmitted ?? 0,
            NacksReceived = Interlocked.Read(ref _nacks),
            NackedPackets = Interlocked.Read(ref _nackedPackets),
            PlisReceived = Interlocked.Read(ref _plis),
            FirsReceived = Interlocked.Read(ref _firs),
            ReceiverReportsReceived = Interlocked.Read(ref _receiverReports),
            SenderReportsSent = Interlocked.Read(ref _senderReports),
            FractionLost = _fractionLost,
            EstimatedBitrate = _remb,
            ConsentResponses = pair?.ResponsesReceived ?? 0,
            DatagramsReceived = Interlocked.Read(ref _datagramsReceived),
        };
    }

    /// Runs work under the connection lock, then re-arms the timer for the earliest deadline and
    /// invokes any events the work raised (outside the lock).
    private void Run(Action work)
    {
        lock (_gate)
        {
            try
            {
                work();
            }
            catch (Exception exception)
            {
                // One failing step must not take the connection (or a socket loop) down.
                Log.WorkFailed(_logger, exception);
            }

            ScheduleTimer();
        }

        FlushEvents();
    }

    // The track raises keyframe requests both under the lock (RTCP) and from the writer's thread.
    private void RaiseFromTrack(Action invoke)
    {
        Raise(invoke);
        if (!_gate.IsHeldByCurrentThread)
        {
            FlushEvents();
        }
    }

    /// Queues a user-visible event; it is invoked by FlushEvents once the lock is released.
    private void Raise(Action invoke) => _events.Enqueue(invoke);

    /// Invokes queued events, one thread at a time so handlers run in order (a candidate before
    /// end-of-candidates). A thread that finds another one flushing does not wait for it: that one
    /// drains the queue, including what was just added. Waiting would deadlock when a handler waits
    /// for a thread that calls into the connection (a test shows it).
    private void FlushEvents()
    {
        // Inside a nested Run the outermost caller flushes, once the lock is really released.
        while (!_events.IsEmpty && !_gate.IsHeldByCurrentThread)
        {
            if (Interlocked.CompareExchange(ref _flushing, 1, 0) != 0)
            {
                return;
            }

            try
            {
                while (_events.TryDequeue(out var invoke))
                {
                    try
                    {
                        invoke();
                    }
                    catch (Exception exception)
                    {
                        Log.WorkFailed(_logger, exception);
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _flushing, 0);
            }

            // Loop: an event queued after the last TryDequeue, whose producer saw the flag still
            // set and returned, is delivered here.
        }
    }

    private void SetState(PeerConnectionState state)
    {
        // Closed is final.
        int current;
        do
        {
            current = Volatile.Read(ref _state);
            if (current == (int)state || current == (int)PeerConnectionState.Closed)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _state, (int)state, current) != current);

        Log.StateChanged(_logger, (PeerConnectionState)current, state);
        Raise(() => ConnectionStateChanged?.Invoke(this, state));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Peer connection {From} -> {To}")]
        public static partial void StateChanged(ILogger logger, PeerConnectionState from, PeerConnectionState to);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Remote candidate not usable: {Candidate}")]
        public static partial void RemoteCandidateRejected(ILogger logger, string candidate);

        [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "Connection step or event handler failed")]
        public static partial void WorkFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Local candidate {Candidate}")]
        public static partial void LocalCandidate(ILogger logger, string candidate);

        [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "ICE server {Uri} skipped: {Reason}")]
        public static partial void ServerSkipped(ILogger logger, string uri, string reason);

        [LoggerMessage(EventId = 7007, Level = LogLevel.Information, Message = "Gathering complete")]
        public static partial void GatheringComplete(ILogger logger);

        [LoggerMessage(EventId = 7008, Level = LogLevel.Warning, Message = "DTLS failed")]
        public static partial void DtlsFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 7009, Level = LogLevel.Debug, Message = "Dropped datagram from unknown address {Source}")]
        public static partial void UnknownSource(ILogger logger, IPEndPoint source);

        [LoggerMessage(EventId = 7010, Level = LogLevel.Debug, Message = "SRTCP packet rejected ({Length} bytes)")]
        public static partial void SrtcpRejected(ILogger logger, int length);

        [LoggerMessage(EventId = 7011, Level = LogLevel.Debug, Message = "NACK for {Count} packets, {Resent} re-sent")]
        public static partial void Nack(ILogger logger, int count, int resent);

        [LoggerMessage(EventId = 7012, Level = LogLevel.Warning, Message = "Socket receive failed on {Local}")]
        public static partial void ReceiveFailed(ILogger logger, IPEndPoint local, Exception exception);
    }
}
