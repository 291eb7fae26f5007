using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// The in-process signaling hub: every channel with a live connection or a waiting message has a
/// <see cref="ChannelSession"/> here. One node serves a channel; several nodes need a shared backplane,
/// which Vigil does not have yet (docs/signaling.md).
/// </summary>
internal sealed partial class SignalingHub : IDisposable
{
    private readonly ConcurrentDictionary<string, ChannelSession> _sessions = new(StringComparer.Ordinal);
    private readonly SignalingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SignalingHub> _logger;
    private readonly Meter _meter = new("Vigil.Signaling");
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _relayed;
    private int _connectionCount;

    public SignalingHub(IOptions<SignalingOptions> options, TimeProvider time, ILogger<SignalingHub> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _connections = _meter.CreateUpDownCounter<long>("vigil.signaling.connections", description: "Open signaling WebSockets");
        _relayed = _meter.CreateCounter<long>("vigil.signaling.messages", description: "Messages accepted for relay");
    }

    public SignalingOptions Options => _options;

    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public int SessionCount => _sessions.Count;

    /// <summary>Checks rate and viewer limits and reserves the place of a connection about to be accepted.</summary>
    public (AdmissionOutcome Outcome, ChannelSession? Session) Admit(string arn, int messageTtlSeconds, string? clientId)
    {
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

    public void Connected(ChannelSession session, SignalingConnection connection)
    {
        Interlocked.Increment(ref _connectionCount);
        _connections.Add(1);
        session.Attach(connection);
        Log.Connected(_logger, connection.ToString());
    }

    public void Disconnected(ChannelSession session, SignalingConnection connection)
    {
        Interlocked.Decrement(ref _connectionCount);
        _connections.Add(-1);
        session.Detach(connection);
        Log.Disconnected(_logger, connection.ToString(), connection.CloseReason);
    }

    public void Relayed() => _relayed.Add(1);

    /// <summary>A channel's MessageTtlSeconds changed (UpdateSignalingChannel).</summary>
    public void ChannelUpdated(string arn, int messageTtlSeconds)
    {
        if (_sessions.TryGetValue(arn, out var session))
        {
            session.MessageTtlSeconds = messageTtlSeconds;
        }
    }

    /// <summary>A channel was deleted: its clients are disconnected and its waiting messages dropped.</summary>
    public void ChannelDeleted(string arn)
    {
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

    /// <summary>Server shutdown: every client gets GO_AWAY (reconnect elsewhere or later), then a close.</summary>
    public void Shutdown()
    {
        foreach (var session in _sessions.Values)
        {
            foreach (var connection in session.Connections())
            {
                connection.GoAway();
                connection.Close(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
            }
        }
    }

    public void Dispose() => _meter.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 4120, Level = LogLevel.Debug, Message = "Signaling: {Connection} connected")]
        public static partial void Connected(ILogger logger, string connection);

        [LoggerMessage(EventId = 4121, Level = LogLevel.Debug, Message = "Signaling: {Connection} disconnected ({Reason})")]
        public static partial void Disconnected(ILogger logger, string connection, string reason);
    }
}
