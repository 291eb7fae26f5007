using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vigil.Agent.Credentials;
using Vigil.Agent.Streaming;
using Vigil.Contracts.Kvs.Signaling;
using Vigil.WebRtc;

namespace Vigil.Agent.Signaling;

/// <summary>
/// The camera as signaling master (aws-wire.md §2), for as long as the agent runs: credentials from
/// the credentials provider, the channel's endpoints and ICE servers, a presigned master WebSocket;
/// each viewer's offer and candidates go to the <see cref="ViewerHub"/>, which answers through this
/// socket. When the socket closes or breaks, or the service sends GO_AWAY, it connects again (GO_AWAY
/// at once; otherwise after 1 s, 2, 4… up to 30 s, ±20 %), while viewers keep their connections.
/// While the server cannot be reached at all (restarting, say) it tries every 2 s for the first two
/// minutes rather than backing off further: a refused TCP connection costs the server nothing, and a
/// restarted server has its cameras back within seconds, so new viewers do not wait for a long backoff.
/// RECONNECT_ICE_SERVER, and ICE credentials nearing their end, fetch the ICE servers again.
/// </summary>
internal sealed partial class MasterSession(
    string channelName,
    string region,
    X509Certificate2 root,
    DeviceCredentials credentials,
    KvsControlPlane controlPlane,
    ViewerHub viewers,
    ILogger logger,
    TimeProvider time)
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    /// <summary>The retry interval while the server is unreachable, for <see cref="QuickRetriesFor"/> after the connection was lost.</summary>
    public static readonly TimeSpan UnreachableRetry = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan QuickRetriesFor = TimeSpan.FromMinutes(2);

    private volatile MasterSocket? _socket;
    private volatile IReadOnlyList<IceServer> _iceServers = [];
    private long _iceFetched;
    private TimeSpan _iceLifetime = TimeSpan.FromMinutes(5);
    private ChannelEndpoints? _channel;
    private int _iceRefreshWanted;

    /// <summary>True while the master WebSocket is open.</summary>
    public bool IsConnected => _socket?.State == WebSocketState.Open;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        viewers.Send = SendAsync;
        viewers.IceServers = () => _iceServers;
        var retry = FirstRetry;
        using var refresher = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var iceRefresh = RefreshIceServersAsync(refresher.Token);
        var lost = time.GetTimestamp();
        string? lastReason = null; // the same failure again is logged at debug level, not every 2 s
        try
        {
            while (true)
            {
                var (reason, immediately, unreachable, lasted) = await ConnectOnceAsync(cancellationToken);
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                if (lasted >= TimeSpan.FromMinutes(1))
                {
                    retry = FirstRetry;
                }

                if (lasted > TimeSpan.Zero)
                {
                    lost = time.GetTimestamp();
                }

                var next = unreachable && time.GetElapsedTime(lost) < QuickRetriesFor && retry > UnreachableRetry ? UnreachableRetry : retry;
                var wait = immediately ? TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(0, 250)) : next * (RandomNumberGenerator.GetInt32(800, 1201) / 1000.0);
                if (reason == lastReason)
                {
                    Log.StillDisconnected(logger, channelName, reason, wait.TotalSeconds);
                }
                else
                {
                    Log.Disconnected(logger, channelName, reason, wait.TotalSeconds);
                }

                lastReason = lasted > TimeSpan.Zero ? null : reason;
                try
                {
                    await Task.Delay(wait, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (!immediately)
                {
                    retry = retry * 2 < LongestRetry ? retry * 2 : LongestRetry;
                }
            }
        }
        finally
        {
            await refresher.CancelAsync();
            try
            {
                await iceRefresh;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }
    }

    /// <summary>One connection, from credentials to close; Lasted is zero when it never opened.</summary>
    private async Task<(string Reason, bool Immediately, bool Unreachable, TimeSpan Lasted)> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        long? connectedAt = null;
        try
        {
            var signingCredentials = await credentials.GetAsync(cancellationToken);
            _channel = await controlPlane.ResolveAsync(channelName, cancellationToken);
            await FetchIceServersAsync(cancellationToken);
            await using var socket = await MasterSocket.ConnectAsync(_channel, signingCredentials, region, root, time, cancellationToken);
            _socket = socket;
            connectedAt = time.GetTimestamp();
            Log.Connected(logger, channelName, _iceServers.Count);
            try
            {
                await foreach (var message in socket.ReadAsync(cancellationToken))
                {
                    if (Handle(message) is { } goAway)
                    {
                        return (goAway, true, false, time.GetElapsedTime(connectedAt.Value));
                    }
                }
            }
            finally
            {
                _socket = null;
            }

            return ("the service closed the connection", false, false, time.GetElapsedTime(connectedAt.Value));
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            return ("stopping", false, false, TimeSpan.Zero);
        }
        catch (Exception e) when (e is AgentException or ServerUnreachableException or KvsCallException or WebSocketException or IOException)
        {
            return (e.Message, false, e is ServerUnreachableException, connectedAt is { } opened ? time.GetElapsedTime(opened) : TimeSpan.Zero);
        }
    }

    /// <summary>Dispatches one message; returns a reason when the connection should be replaced now.</summary>
    private string? Handle(SignalingServerMessage message)
    {
        switch (message.MessageType)
        {
            case SignalingMessageTypes.SdpOffer when message.SenderClientId is { Length: > 0 } viewer:
                if (Decode(message.MessagePayload, SignalingJsonContext.Default.SessionDescriptionPayload) is { Type: "offer", Sdp: { Length: > 0 } sdp })
                {
                    Log.Offer(logger, viewer);
                    viewers.OnOffer(viewer, sdp);
                }
                else
                {
                    Log.Unreadable(logger, message.MessageType, viewer);
                }

                break;
            case SignalingMessageTypes.IceCandidate when message.SenderClientId is { Length: > 0 } viewer:
                if (Decode(message.MessagePayload, SignalingJsonContext.Default.IceCandidatePayload) is { } candidate)
                {
                    viewers.OnCandidate(viewer, candidate);
                }
                else
                {
                    Log.Unreadable(logger, message.MessageType, viewer);
                }

                break;
            case SignalingMessageTypes.GoAway:
                return "the service sent GO_AWAY";
            case SignalingMessageTypes.ReconnectIceServer:
                Log.IceServersChanged(logger);
                Volatile.Write(ref _iceRefreshWanted, 1);
                break;
            case SignalingMessageTypes.StatusResponse:
                var status = message.StatusResponse;
                Log.StatusResponse(logger, status?.ErrorType ?? "?", status?.StatusCode ?? "?", status?.Description ?? string.Empty, status?.CorrelationId ?? string.Empty);
                break;
            default:
                break;
        }

        return null;
    }

    private async Task<bool> SendAsync(SignalingClientMessage message, CancellationToken cancellationToken) =>
        _socket is { } socket && await socket.SendAsync(message, cancellationToken);

    /// <summary>Fetches the ICE servers again when the service asked, or when their credentials are two-thirds through their life.</summary>
    private async Task RefreshIceServersAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var stale = Interlocked.Read(ref _iceFetched) != 0 && time.GetElapsedTime(Interlocked.Read(ref _iceFetched)) >= _iceLifetime * 2 / 3;
            if (_channel is not null && (stale || Volatile.Read(ref _iceRefreshWanted) == 1))
            {
                Volatile.Write(ref _iceRefreshWanted, 0);
                try
                {
                    await FetchIceServersAsync(cancellationToken);
                }
                catch (Exception e) when (e is AgentException or ServerUnreachableException or KvsCallException)
                {
                    Log.IceRefreshFailed(logger, e.Message);
                    Interlocked.Exchange(ref _iceFetched, time.GetTimestamp() - (long)(time.TimestampFrequency * _iceLifetime.TotalSeconds * 0.5));
                }
            }
        }
    }

    private async Task FetchIceServersAsync(CancellationToken cancellationToken)
    {
        var servers = await controlPlane.GetIceServerConfigAsync(_channel!, cancellationToken);
        _iceServers = [.. servers.Select(s => new IceServer([.. s.Uris], s.Username, s.Password))];
        _iceLifetime = TimeSpan.FromSeconds(Math.Clamp(servers.Count == 0 ? 300 : servers.Min(s => s.Ttl), 60, 86_400));
        Interlocked.Exchange(ref _iceFetched, time.GetTimestamp());
    }

    private static T? Decode<T>(string? base64, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (string.IsNullOrEmpty(base64))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(Convert.FromBase64String(base64), type);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Signaling: connected as master of channel {Channel} ({Servers} ICE servers)")]
        public static partial void Connected(ILogger logger, string channel, int servers);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Signaling: channel {Channel}: {Reason}; connecting again in {Seconds:0.0} s (viewers keep their connections)")]
        public static partial void Disconnected(ILogger logger, string channel, string reason, double seconds);

        [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "Signaling: channel {Channel}: {Reason}; connecting again in {Seconds:0.0} s")]
        public static partial void StillDisconnected(ILogger logger, string channel, string reason, double seconds);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Signaling: offer from viewer {Viewer}")]
        public static partial void Offer(ILogger logger, string viewer);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Signaling: an unreadable {Type} from viewer {Viewer} was ignored")]
        public static partial void Unreadable(ILogger logger, string? type, string viewer);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Signaling: the service asked to fetch the ICE servers again")]
        public static partial void IceServersChanged(ILogger logger);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Signaling: a message was refused: {ErrorType} {Status} {Description} (correlation {CorrelationId})")]
        public static partial void StatusResponse(ILogger logger, string errorType, string status, string description, string correlationId);

        [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Signaling: fetching the ICE servers failed: {Reason}")]
        public static partial void IceRefreshFailed(ILogger logger, string reason);
    }
}
