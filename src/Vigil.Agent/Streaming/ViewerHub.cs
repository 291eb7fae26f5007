using Microsoft.Extensions.Logging;
using Vigil.Agent.Media;
using Vigil.Contracts.Kvs.Signaling;
using Vigil.WebRtc;

namespace Vigil.Agent.Streaming;

/// <summary>
/// The viewers of this camera, by signaling client id: a new offer starts a <see cref="ViewerSession"/>
/// (replacing one with the same id), candidates go to their session, and ended sessions are disposed.
/// At most <see cref="StreamSettings.MaxViewers"/> at once: at the limit, a viewer that has not connected
/// within <see cref="ConnectTimeout"/> makes room, otherwise the new offer is refused with a log line.
/// Sessions are independent of the signaling connection: media keeps flowing while it reconnects.
/// </summary>
internal sealed partial class ViewerHub : IAsyncDisposable
{
    /// <summary>A viewer not connected this long after its offer is given up.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(40);

    private readonly StreamSettings _settings;
    private readonly LiveStream _live;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ViewerSession> _viewers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IceCandidatePayload>> _early = new(StringComparer.Ordinal);
    private readonly List<Task> _closing = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sweeper;
    private long _joins;
    private long _leaves;

    public ViewerHub(StreamSettings settings, LiveStream live, ILoggerFactory loggers, TimeProvider time)
    {
        _settings = settings;
        _live = live;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ViewerHub>();
        _time = time;
        _sweeper = SweepAsync(_stop.Token);
    }

    /// <summary>How messages reach the viewers (set by the signaling session; false while it reconnects).</summary>
    public Func<SignalingClientMessage, CancellationToken, Task<bool>> Send { get; set; } = (_, _) => Task.FromResult(false);

    /// <summary>The STUN/TURN servers a new viewer's connection gathers with.</summary>
    public Func<IReadOnlyList<IceServer>> IceServers { get; set; } = () => [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _viewers.Count;
            }
        }
    }

    public long Joins => Interlocked.Read(ref _joins);

    public long Leaves => Interlocked.Read(ref _leaves);

    public void OnOffer(string clientId, string sdp)
    {
        ViewerSession? replaced = null;
        ViewerSession? evicted = null;
        ViewerSession session;
        lock (_gate)
        {
            _viewers.Remove(clientId, out replaced);
            if (_viewers.Count >= _settings.MaxViewers)
            {
                evicted = _viewers.Values.Where(v => !v.IsConnected).OrderByDescending(v => v.Age).FirstOrDefault(v => v.Age >= TimeSpan.FromSeconds(10));
                if (evicted is null)
                {
                    Log.Refused(_logger, clientId, _settings.MaxViewers);
                    return;
                }

                _viewers.Remove(evicted.ClientId);
            }

            session = new ViewerSession(clientId, _live, (m, ct) => Send(m, ct), _loggers.CreateLogger<ViewerSession>(), _time, OnEnded);
            _viewers[clientId] = session;
            if (_early.Remove(clientId, out var early))
            {
                foreach (var candidate in early)
                {
                    session.AddRemoteCandidate(candidate);
                }
            }
        }

        Interlocked.Increment(ref _joins);
        replaced?.End("replaced by a new offer from the same viewer");
        evicted?.End($"it had not connected after {evicted.Age.TotalSeconds:0} s and a new viewer needed its place");
        _ = StartAsync(session, sdp);
    }

    public void OnCandidate(string clientId, IceCandidatePayload candidate)
    {
        ViewerSession? session;
        lock (_gate)
        {
            if (!_viewers.TryGetValue(clientId, out session))
            {
                // Before its offer (the service keeps order, but a reconnect can shuffle): keep a few.
                if (!_early.TryGetValue(clientId, out var list))
                {
                    if (_early.Count >= 64)
                    {
                        _early.Clear();
                    }

                    _early[clientId] = list = [];
                }

                if (list.Count < 32)
                {
                    list.Add(candidate);
                }

                return;
            }
        }

        session.AddRemoteCandidate(candidate);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        List<ViewerSession> sessions;
        lock (_gate)
        {
            sessions = [.. _viewers.Values];
            _viewers.Clear();
        }

        await Task.WhenAll(sessions.Select(s => s.DisposeAsync().AsTask()));
        Task[] closing;
        lock (_gate)
        {
            closing = [.. _closing];
        }

        await Task.WhenAll(closing);
        try
        {
            await _sweeper;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task StartAsync(ViewerSession session, string sdp)
    {
        var settings = new WebRtcSettings
        {
            IceServers = [.. IceServers()],
            BindAddresses = [.. _settings.BindAddresses],
            IceTransportPolicy = _settings.IceTransportPolicy,
            LoggerFactory = _loggers,
            TimeProvider = _time,
        };
        try
        {
            if (!await session.StartAsync(sdp, settings, _stop.Token))
            {
                session.End("its offer could not be answered");
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        catch (IOException e)
        {
            session.End("no local address could be bound: " + e.Message);
        }
    }

    private void OnEnded(ViewerSession session, string reason)
    {
        lock (_gate)
        {
            if (_viewers.TryGetValue(session.ClientId, out var current) && ReferenceEquals(current, session))
            {
                _viewers.Remove(session.ClientId);
            }

            _closing.RemoveAll(t => t.IsCompleted);
            // Disposed off the connection's event thread: disposing waits for that thread's loop.
            _closing.Add(Task.Run(() => session.DisposeAsync().AsTask()));
        }

        Interlocked.Increment(ref _leaves);
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2), _time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            List<ViewerSession> stale;
            lock (_gate)
            {
                stale = [.. _viewers.Values.Where(v => !v.IsConnected && v.State != PeerConnectionState.Closed && v.Age >= ConnectTimeout)];
            }

            foreach (var session in stale)
            {
                session.End($"it did not connect within {ConnectTimeout.TotalSeconds:0} s");
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1251, Level = LogLevel.Warning, Message = "Viewer {ClientId} refused: {Max} viewers are watching already (stream.maxViewers)")]
        public static partial void Refused(ILogger logger, string clientId, int max);
    }
}
