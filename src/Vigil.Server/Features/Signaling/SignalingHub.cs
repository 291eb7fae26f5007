using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// This node's signaling hub: every channel with a live connection (or, on a single node, a waiting message)
/// has a <see cref="ChannelSession"/> here. What crosses nodes goes through the <see cref="ISignalingBackplane"/>:
/// in process on a single node, Redis in a cluster (docs/scale-out.md).
/// </summary>
internal sealed partial class SignalingHub
{
    private readonly ConcurrentDictionary<string, ChannelSession> _sessions = new(StringComparer.Ordinal);
    private readonly SignalingOptions _options;
    private readonly ISignalingBackplane _backplane;
    private readonly TimeProvider _time;
    private readonly ILogger<SignalingHub> _logger;
    private int _connectionCount;
    private volatile bool _stopping;

    public SignalingHub(IOptions<SignalingOptions> options, ISignalingBackplane backplane, SignalingMetrics metrics, TimeProvider time, ILogger<SignalingHub> logger)
    {
        _options = options.Value;
        _backplane = backplane;
        Metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public SignalingOptions Options => _options;

    public SignalingMetrics Metrics { get; }

    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public int SessionCount => _sessions.Count;

    /// <summary>Checks rate and viewer limits and reserves the place of a connection about to be accepted.</summary>
    public (AdmissionOutcome Outcome, ChannelSession? Session) Admit(string arn, int messageTtlSeconds, string? clientId)
    {
        if (_stopping)
        {
            return (AdmissionOutcome.ShuttingDown, null);
        }

        while (true)
        {
            var session = _sessions.GetOrAdd(arn, a => new ChannelSession(a, messageTtlSeconds, _options, _time));
            session.MessageTtlSeconds = messageTtlSeconds;
            var outcome = session.Admit(clientId);
            if (outcome != AdmissionOutcome.Retired)
            {
                return (outcome, outcome == AdmissionOutcome.Admitted ? session : null);
            }

            _sessions.TryRemove(new KeyValuePair<string, ChannelSession>(arn, session));
        }
    }

    /// <summary><see cref="Admit"/>, then, for a viewer, the cluster-wide viewer limit of the backplane.</summary>
    public async ValueTask<(AdmissionOutcome Outcome, ChannelSession? Session)> AdmitAsync(string arn, int messageTtlSeconds, string? clientId, CancellationToken cancellationToken)
    {
        var (outcome, session) = Admit(arn, messageTtlSeconds, clientId);
        if (outcome == AdmissionOutcome.Admitted && clientId is not null)
        {
            bool admitted;
            try
            {
                admitted = await _backplane.AdmitViewerAsync(arn, clientId, _options.MaxViewersPerChannel, cancellationToken);
            }
            catch
            {
                session!.Release(clientId);
                throw;
            }

            if (!admitted)
            {
                session!.Release(clientId);
                return (AdmissionOutcome.TooManyViewers, null);
            }
        }

        return (outcome, session);
    }

    /// <summary>Gives back an admission whose handshake did not complete.</summary>
    public void Release(ChannelSession session, string? clientId)
    {
        session.Release(clientId);
        _backplane.Release(session.Arn, clientId);
    }

    public async ValueTask ConnectedAsync(ChannelSession session, SignalingConnection connection, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connectionCount);
        Metrics.Connected(connection.IsMaster);
        session.Attach(connection);
        if (_stopping)
        {
            // Admitted before Shutdown, attached after it went through the sessions: told like the others.
            connection.GoAway();
            connection.Close(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
        }

        Log.Connected(_logger, connection.ToString());
        await _backplane.AttachedAsync(session, connection, cancellationToken);
    }

    public void Disconnected(ChannelSession session, SignalingConnection connection)
    {
        Interlocked.Decrement(ref _connectionCount);
        Metrics.Disconnected(connection.IsMaster);
        session.Detach(connection);
        _backplane.Detached(session, connection);
        Log.Disconnected(_logger, connection.ToString(), connection.CloseReason);
    }

    /// <summary>A client's message, checked and within its limits: to its recipient on this node or another, or kept for it.</summary>
    public void Route(ChannelSession session, SignalingConnection sender, ClientMessage message)
    {
        _backplane.Route(session, sender, message);
    }

    /// <summary>A frame another node routed here: false when its recipient is not (or no longer) connected to this node.</summary>
    public bool DeliverFromPeer(string arn, string recipientKey, byte[] frame) =>
        _sessions.TryGetValue(arn, out var session) && session.TryDeliver(recipientKey, frame);

    /// <summary>Another node attached a newer connection with this role and id: this node's one is closed.</summary>
    public void CloseReplaced(string arn, string key, string connectionId)
    {
        if (_sessions.TryGetValue(arn, out var session))
        {
            session.CloseReplaced(key, connectionId);
        }
    }

    /// <summary>Every connection on this node, as (channel, role key, connection id): what a backplane registers again after losing it.</summary>
    public IEnumerable<(string Arn, string Key, string ConnectionId)> LocalConnections() =>
        _sessions.Values.SelectMany(s => s.Connections().Select(c => (s.Arn, c.ClientId ?? ChannelSession.MasterKey, c.Id)));

    /// <summary>A channel's MessageTtlSeconds changed (UpdateSignalingChannel).</summary>
    public void ChannelUpdated(string arn, int messageTtlSeconds)
    {
        ApplyChannelChange(arn, messageTtlSeconds);
        _backplane.ChannelChanged(arn, messageTtlSeconds);
    }

    /// <summary>A channel was deleted: its clients are disconnected (on every node) and its waiting messages dropped.</summary>
    public void ChannelDeleted(string arn)
    {
        ApplyChannelChange(arn, null);
        _backplane.ChannelChanged(arn, null);
    }

    /// <summary>A channel change made here or on another node, applied to this node's clients: deleted when the TTL is null.</summary>
    public void ApplyChannelChange(string arn, int? messageTtlSeconds)
    {
        if (messageTtlSeconds is { } ttl)
        {
            if (_sessions.TryGetValue(arn, out var updated))
            {
                updated.MessageTtlSeconds = ttl;
            }

            return;
        }

        if (_sessions.TryRemove(arn, out var session))
        {
            foreach (var connection in session.Connections())
            {
                connection.Close(WebSocketCloseStatus.EndpointUnavailable, "channel deleted");
            }
        }
    }

    /// <summary>
    /// The periodic check: GO_AWAY to connections near the maximum duration, close those past it or idle
    /// too long, drop expired messages and empty sessions.
    /// </summary>
    public void Sweep()
    {
        var goAwayAt = _options.MaxConnectionDuration - _options.GoAwayGrace;
        foreach (var (arn, session) in _sessions)
        {
            session.Expire();
            foreach (var connection in session.Connections())
            {
                var age = connection.Age;
                if (age >= _options.MaxConnectionDuration)
                {
                    connection.Close(WebSocketCloseStatus.NormalClosure, "maximum connection duration reached");
                }
                else if (connection.Idle >= _options.IdleTimeout)
                {
                    connection.Close(WebSocketCloseStatus.NormalClosure, "idle timeout");
                }
                else if (age >= goAwayAt)
                {
                    connection.GoAway();
                }
            }

            if (session.TryRetire())
            {
                _sessions.TryRemove(new KeyValuePair<string, ChannelSession>(arn, session));
            }
        }
    }

    /// <summary>Every open connection of this node (a snapshot).</summary>
    public List<SignalingConnection> AllConnections() => [.. _sessions.Values.SelectMany(s => s.Connections())];

    /// <summary>
    /// Server shutdown: every client gets GO_AWAY (reconnect elsewhere or later), then a close, and from now on
    /// handshakes are refused. Kestrel keeps accepting connections until the hosted services have stopped, and
    /// clients reconnect at once on GO_AWAY (the KVS SDKs do): a socket accepted then was never closed, and
    /// every restart under load waited the whole Server:ShutdownTimeout for it (30 s, issue 19).
    /// </summary>
    public void Shutdown()
    {
        _stopping = true;
        foreach (var session in _sessions.Values)
        {
            foreach (var connection in session.Connections())
            {
                connection.GoAway();
                connection.Close(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4120, Level = LogLevel.Debug, Message = "Signaling: {Connection} connected")]
        public static partial void Connected(ILogger logger, string connection);

        [LoggerMessage(EventId = 4121, Level = LogLevel.Debug, Message = "Signaling: {Connection} disconnected ({Reason})")]
        public static partial void Disconnected(ILogger logger, string connection, string reason);
    }
}
