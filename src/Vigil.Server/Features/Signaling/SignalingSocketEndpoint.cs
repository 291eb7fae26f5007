using System.Buffers;
using System.Net.WebSockets;
using Vigil.Server.Features.Credentials;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// ConnectAsMaster (<c>/signaling/master</c>) and ConnectAsViewer (<c>/signaling/viewer</c>): a WebSocket
/// handshake (an HTTP/1.1 upgrade or an HTTP/2 extended CONNECT) authenticated by a SigV4-presigned query,
/// checked completely before the handshake is accepted (a refusal is a plain HTTP answer with an AWS
/// error), then the message loop of aws-wire.md §2.
/// </summary>
internal static partial class SignalingSocketEndpoint
{
    /// <summary>The largest client message: a 10 KB payload plus the C SDK's IceServerList and JSON framing.</summary>
    public const int MaxMessageBytes = 32 * 1024;

    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    public static async Task HandleAsync(HttpContext context, bool master)
    {
        var cancellationToken = context.RequestAborted;
        var services = context.RequestServices;
        var requestId = Guid.NewGuid().ToString();
        var hub = services.GetRequiredService<SignalingHub>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignalingSocketEndpoint).FullName!);
        var (refusal, admitted) = await AdmitAsync(context, master, hub, cancellationToken);
        if (refusal is not null)
        {
            Log.Refused(logger, master ? "master" : "viewer", refusal.ErrorType!, refusal.Status);
            hub.Metrics.ConnectionRefused(master, refusal.ErrorType!);
            await KvsEndpoint.WriteAsync(context, refusal, requestId, cancellationToken);
            return;
        }

        var (session, channelArn, clientId, caller) = admitted!.Value;
        WebSocket socket;
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                // The KVS C SDK asks for the sub-protocol "wss"; echoing the first one asked for keeps strict clients happy.
                SubProtocol = context.WebSockets.WebSocketRequestedProtocols.FirstOrDefault(),
                // Pings find dead peers (a camera that lost power) long before the idle timeout.
                KeepAliveInterval = TimeSpan.FromSeconds(30),
                KeepAliveTimeout = TimeSpan.FromSeconds(30),
            });
        }
        catch
        {
            hub.Release(session, clientId);
            throw;
        }

        using (socket)
        {
            var options = hub.Options;
            var connection = new SignalingConnection(socket, channelArn, clientId, services.GetRequiredService<TimeProvider>(), options, caller);
            try
            {
                await hub.ConnectedAsync(session, connection, cancellationToken);
                await RunAsync(connection, session, hub, logger, cancellationToken);
            }
            finally
            {
                hub.Disconnected(session, connection);
            }
        }
    }

    private static async Task<(KvsResult? Refusal, (ChannelSession Session, string Arn, string? ClientId, CallerIdentity Caller)? Admitted)> AdmitAsync(
        HttpContext context, bool master, SignalingHub hub, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var options = hub.Options;
        if (options.AllowedOrigins.Length > 0 && request.Headers.Origin is { Count: > 0 } origin
            && !options.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin.ToString(), StringComparison.OrdinalIgnoreCase)))
        {
            return (KvsResult.Error(403, "AccessDeniedException", "This origin may not open signaling connections (Signaling:AllowedOrigins)."), null);
        }

        var authentication = await context.RequestServices.GetRequiredService<SigV4Authenticator>().AuthenticateAsync(request, ReadOnlyMemory<byte>.Empty, cancellationToken);
        if (!authentication.Succeeded)
        {
            var failure = authentication.Failure;
            return (KvsResult.Error(failure.HttpStatusCode, failure.ErrorTypeName, failure.Message), null);
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            return (KvsErrors.InvalidArgument("This endpoint expects a WebSocket upgrade."), null);
        }

        var arn = Single(request, "X-Amz-ChannelARN");
        if (!ChannelRules.IsArn(arn))
        {
            return (KvsErrors.InvalidArgument("X-Amz-ChannelARN is required and must be a signaling channel ARN."), null);
        }

        string? clientId = null;
        if (!master)
        {
            clientId = Single(request, "X-Amz-ClientId");
            if (!ChannelRules.IsClientId(clientId))
            {
                return (KvsErrors.InvalidArgument("X-Amz-ClientId is required: 1 to 256 characters of a-z, A-Z, 0-9, '_', '.' and '-', not starting with AWS_."), null);
            }
        }

        // A master's X-Amz-ClientId, if any, is ignored: the channel has exactly one master.
        var caller = authentication.Principal!;
        var action = master ? KvsActions.ConnectAsMaster : KvsActions.ConnectAsViewer;
        if (!caller.IsAllowed(action, arn!)
            || (master && !await context.RequestServices.GetRequiredService<ThingChannelGuard>().MayControlAsync(caller, arn!, cancellationToken)))
        {
            return (KvsResult.Error(403, "AccessDeniedException", $"User: {caller.Principal} is not authorized to perform: {action} on resource: {arn}"), null);
        }

        var channel = await context.RequestServices.GetRequiredService<ChannelStore>().FindByArnAsync(arn!, cancellationToken);
        if (channel is null)
        {
            return (KvsErrors.ResourceNotFound(), null);
        }

        var (outcome, session) = await hub.AdmitAsync(channel.Arn, channel.MessageTtlSeconds, clientId, cancellationToken);
        return outcome switch
        {
            AdmissionOutcome.Admitted => (null, (session!, channel.Arn, clientId, caller)),
            AdmissionOutcome.TooManyViewers => (KvsErrors.ClientLimitExceeded($"The channel already has {options.MaxViewersPerChannel} viewers connected."), null),
            AdmissionOutcome.ShuttingDown => (KvsErrors.ServiceUnavailable("The server is shutting down; connect again in a moment."), null),
            _ => (KvsErrors.ClientLimitExceeded($"More than {options.ConnectsPerSecondPerChannel} connections per second to this channel."), null),
        };
    }

    private static string? Single(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    private static async Task RunAsync(SignalingConnection connection, ChannelSession session, SignalingHub hub, ILogger logger, CancellationToken cancellationToken)
    {
        var reader = ReadLoopAsync(connection, session, hub, logger, cancellationToken);
        var writer = WriteLoopAsync(connection, cancellationToken);
        if (await Task.WhenAny(reader, writer) == reader)
        {
            connection.Close(connection.Socket.CloseStatus ?? System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "closed by the client");
        }

        await writer;
        try
        {
            // Let the client answer our close frame; a client that does not is cut off.
            await reader.WaitAsync(CloseHandshakeTimeout, connection.Time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            connection.Socket.Abort();
        }
    }

    private static async Task ReadLoopAsync(SignalingConnection connection, ChannelSession session, SignalingHub hub, ILogger logger, CancellationToken cancellationToken)
    {
        var socket = connection.Socket;
        try
        {
            while (true)
            {
                // Wait for a frame without holding a buffer, so idle connections cost no receive memory.
                var head = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
                if (head.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(MaxMessageBytes);
                try
                {
                    var count = 0;
                    var result = head;
                    while (!result.EndOfMessage)
                    {
                        if (count == MaxMessageBytes)
                        {
                            connection.Close(WebSocketCloseStatus.MessageTooBig, $"messages are limited to {MaxMessageBytes} bytes");
                            return;
                        }

                        result = await socket.ReceiveAsync(buffer.AsMemory(count, MaxMessageBytes - count), cancellationToken);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            return;
                        }

                        count += result.Count;
                    }

                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        connection.Close(WebSocketCloseStatus.InvalidMessageType, "signaling messages are JSON text frames");
                        return;
                    }

                    if (count > 0)
                    {
                        connection.Touch();
                        Handle(connection, session, hub, logger, buffer.AsSpan(0, count));
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away without a close frame, or the server is stopping.
        }
    }

    private static void Handle(SignalingConnection connection, ChannelSession session, SignalingHub hub, ILogger logger, ReadOnlySpan<byte> frame)
    {
        var received = connection.Time.GetTimestamp();
        var reason = "invalid";
        var message = ClientMessageReader.TryRead(frame, hub.Options.MaxMessagePayloadLength, out var error, out var correlationId);
        if (message is not null)
        {
            var bucket = message.Action == SignalingAction.IceCandidate ? connection.IceLimit : connection.SdpLimit;
            if (!bucket.TryTake())
            {
                reason = "rate_limited";
                error = new SignalingMessageError(
                    message.Action == SignalingAction.IceCandidate
                        ? $"More than {hub.Options.IceCandidatesPerSecond} ICE candidates per second."
                        : $"More than {hub.Options.SdpMessagesPerSecond} SDP offers and answers per second.",
                    "ClientLimitExceededException");
            }
            else if (connection.IsMaster && message.RecipientClientId is null)
            {
                reason = "no_recipient";
                error = new SignalingMessageError("A message from the master needs recipientClientId: the viewer's client id.");
            }
            else
            {
                hub.Route(session, connection, message);
                hub.Metrics.Relayed(message.Action, connection.Time.GetElapsedTime(received));
                return;
            }
        }

        Log.MessageRefused(logger, connection.ToString(), error!.Description);
        hub.Metrics.MessageRefused(reason);
        if (correlationId is not null)
        {
            // STATUS_RESPONSE only answers failures, and only when the client can match it to its message.
            connection.TrySend(ServerMessages.StatusResponse(correlationId, error));
        }
    }

    private static async Task WriteLoopAsync(SignalingConnection connection, CancellationToken cancellationToken)
    {
        var socket = connection.Socket;
        try
        {
            await foreach (var frame in connection.Outgoing.ReadAllAsync(cancellationToken))
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(CloseHandshakeTimeout);
                await socket.CloseOutputAsync(connection.CloseStatus, connection.CloseReason, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            connection.Close(WebSocketCloseStatus.EndpointUnavailable, "connection lost");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4130, Level = LogLevel.Debug, Message = "Signaling {Role} connection refused: {ErrorType} ({Status})")]
        public static partial void Refused(ILogger logger, string role, string errorType, int status);

        [LoggerMessage(EventId = 4131, Level = LogLevel.Debug, Message = "Signaling message from {Connection} refused: {Reason}")]
        public static partial void MessageRefused(ILogger logger, string connection, string reason);
    }
}
