using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Vigil's rules on MQTTnet's broker: who may connect (<see cref="DeviceConnectionAuthenticator"/>),
/// what each connection may publish, subscribe to and receive (<see cref="DevicePolicy"/>),
/// fleet-provisioning requests answered to the requester only, and presence. Refusals are MQTT 5
/// reason codes; an MQTT 3.1.1 client, which has no reason codes for PUBLISH, is disconnected. In cluster mode what a
/// client publishes and who connects also go to the other nodes (<see cref="MqttClusterRelay"/>).
/// </summary>
internal sealed partial class DeviceBroker(
    MqttServer server,
    DeviceConnections connections,
    DeviceConnectionAuthenticator authenticator,
    FleetProvisioningService provisioning,
    PresenceTracker presence,
    ProvisioningMetrics metrics,
    CertificateRequestThrottle throttle,
    RetainedMessageQuota retained,
    RetainedMessageStore store,
    MqttClusterRelay relay,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<DeviceBroker> logger) : IHostedService
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>The lifecycle reason recorded for devices the server closes because it stops (AWS IoT's name for it).</summary>
    public const string ShutdownReason = "SERVER_INITIATED_DISCONNECT";

    private volatile bool _stopping;
    private Task _closing = Task.CompletedTask;
    private CancellationTokenRegistration _stoppingRegistration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stoppingRegistration = lifetime.ApplicationStopping.Register(() =>
        {
            _stopping = true;
            _closing = CloseAllForShutdownAsync();
        });
        connections.Attach(server);
        server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
        server.ClientConnectedAsync += OnClientConnectedAsync;
        server.ClientDisconnectedAsync += OnClientDisconnectedAsync;
        server.InterceptingPublishAsync += OnInterceptingPublishAsync;
        server.InterceptingSubscriptionAsync += OnInterceptingSubscriptionAsync;
        server.InterceptingClientEnqueueAsync += OnInterceptingClientEnqueueAsync;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stoppingRegistration.DisposeAsync();
        await _closing.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// When the server begins to stop (<c>ApplicationStopping</c>: after every service's StoppingAsync — Home
    /// Assistant's "offline" is published there — and before Kestrel's stop): refuse new connections and close the
    /// open ones with "server shutting down" (MQTT 5 reason 0x8B; an MQTT 3.1.1 client sees its connection close), each
    /// once what was queued for it has gone out (at most <see cref="DrainLimit"/>), so that devices reconnect at once — to
    /// another node, or to this server when it is back. Kestrel does not end a connection handler's connections itself:
    /// without this every connected device held the stop for the whole <c>Server:ShutdownTimeout</c> (30 s).
    /// </summary>
    private async Task CloseAllForShutdownAsync()
    {
        if (!server.IsStarted)
        {
            return;
        }

        var clients = await server.GetClientsAsync();
        await Task.WhenAll(clients.Select(CloseForShutdownAsync));
        if (clients.Count > 0)
        {
            Log.ClosedForShutdown(logger, clients.Count);
        }
    }

    private async Task CloseForShutdownAsync(MqttClientStatus client)
    {
        if (connections.Get(client.Id) is { } principal)
        {
            principal.ServerDisconnectReason = ShutdownReason;
        }

        try
        {
            var waited = TimeSpan.Zero;
            while (client.Session.PendingApplicationMessagesCount > 0 && waited < DrainLimit)
            {
                // The real clock: a stop must not wait on a test's fake one (it would never advance here).
                await Task.Delay(DrainPoll, TimeProvider.System);
                waited += DrainPoll;
            }

            await server.DisconnectClientAsync(client.Id, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.ServerShuttingDown, ReasonString = "server shutting down" });
        }
        catch (InvalidOperationException)
        {
            // It went away on its own meanwhile.
        }
        catch (Exception e)
        {
            // Whatever else: the stop goes on (Kestrel ends what is left at its timeout).
            Log.ShutdownCloseFailed(logger, e, client.Id);
        }
    }

    private async Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs args)
    {
        if (_stopping)
        {
            // A device reconnecting at once must not be let in by a stopping server (it would hold the stop again).
            args.ReasonCode = MqttConnectReasonCode.ServerUnavailable;
            return;
        }

        if (await authenticator.AuthenticateAsync(args) is { } principal)
        {
            connections.Validated(principal);
        }
    }

    private Task OnClientConnectedAsync(ClientConnectedEventArgs args)
    {
        if (connections.Connected(args.ClientId) is { } principal)
        {
            relay.Connected(principal);
            presence.Report(new PresenceChange(principal, Connected: true, ClientInitiated: false, DisconnectReason: null, time.GetUtcNow()));
        }

        return Task.CompletedTask;
    }

    private Task OnClientDisconnectedAsync(ClientDisconnectedEventArgs args)
    {
        var takenOver = args.DisconnectType == MqttClientDisconnectType.Takeover;
        if (connections.Disconnected(args.ClientId, takenOver) is { } principal)
        {
            var (clientInitiated, reason) = args.DisconnectType switch
            {
                MqttClientDisconnectType.Takeover => (false, MqttClusterRelay.TakenOverReason),
                _ when principal.ServerDisconnectReason is { } server => (false, server),
                MqttClientDisconnectType.Clean => (true, "CLIENT_INITIATED_DISCONNECT"),
                _ => (false, PresenceTracker.ConnectionLostReason),
            };
            presence.Report(new PresenceChange(principal, Connected: false, clientInitiated, reason, time.GetUtcNow()));
        }

        return Task.CompletedTask;
    }

    private async Task OnInterceptingPublishAsync(InterceptingPublishEventArgs args)
    {
        if (string.IsNullOrEmpty(args.ClientId))
        {
            return; // injected by Vigil itself (responses, lifecycle events, messages from other nodes): never forwarded here
        }

        var topic = args.ApplicationMessage.Topic;
        var principal = connections.Get(args.ClientId);
        if (principal is null || time.GetUtcNow() > principal.NotAfter || !DevicePolicy.MayPublish(principal, topic))
        {
            args.ProcessPublish = false;
            args.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            args.Response.ReasonString = "not authorized";
            args.CloseConnection = principal is null || principal.ProtocolVersion != MqttProtocolVersion.V500;
            Log.PublishRefused(logger, args.ClientId, principal?.CertificateId ?? "-", topic);
            return;
        }

        if (args.ApplicationMessage.Retain
            && await retained.RefusalAsync(principal.ClientId, topic, args.ApplicationMessage.Payload.IsEmpty, args.CancellationToken) is { } refusal)
        {
            args.ProcessPublish = false;
            args.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
            args.Response.ReasonString = refusal;
            args.CloseConnection = principal.ProtocolVersion != MqttProtocolVersion.V500;
            Log.RetainRefused(logger, args.ClientId, topic, refusal);
            return;
        }

        if (principal.Kind == Pki.CertificateKind.Claim && FleetProvisioningTopics.TryParseRequest(topic, out var request))
        {
            // A request to the service, not a message for subscribers.
            args.ProcessPublish = false;
            FleetProvisioningReply reply;
            var started = time.GetTimestamp();
            if (request.Operation is FleetProvisioningOperation.CreateKeysAndCertificate or FleetProvisioningOperation.CreateCertificateFromCsr
                && throttle.TryAcquire(principal) is { } throttled)
            {
                Log.CertificateRequestThrottled(logger, principal.ClientId, principal.CertificateId, principal.IpAddress ?? "?", throttled);
                metrics.Answered(request.Operation, "throttled", time.GetElapsedTime(started));
                reply = FleetProvisioningService.Throttled(request, throttled);
                await connections.SendToAsync(principal.ClientId, reply.Topic, reply.Payload, args.CancellationToken);
                return;
            }

            try
            {
                reply = await provisioning.HandleAsync(principal, request, args.ApplicationMessage.Payload, args.CancellationToken);
                metrics.Answered(request.Operation, reply.Accepted ? "accepted" : "rejected", time.GetElapsedTime(started));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Broken infrastructure (database unreachable...): answer, rather than letting the
                // broker drop the connection, so the device retries later.
                Log.ProvisioningFailed(logger, principal.ClientId, request.Operation, e);
                metrics.Answered(request.Operation, "error", time.GetElapsedTime(started));
                reply = FleetProvisioningService.InternalError(request);
            }

            await connections.SendToAsync(principal.ClientId, reply.Topic, reply.Payload, args.CancellationToken);
            return;
        }

        if (args.ApplicationMessage.Retain && args.ApplicationMessage.Payload.IsEmpty)
        {
            // The broker reports a cleared topic only if it held it; the table may hold it all the same.
            await store.DeleteUnheldAsync(principal.ClientId, topic, args.CancellationToken);
        }

        // Accepted: for this node's subscribers (the broker goes on) and, in cluster mode, the other nodes'.
        relay.Forward(args.ApplicationMessage);
    }

    private async Task OnInterceptingSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        var filter = args.TopicFilter.Topic;
        var principal = connections.Get(args.ClientId);
        if (principal is null || time.GetUtcNow() > principal.NotAfter || !DevicePolicy.MaySubscribe(principal, filter)
            || (principal.IntegrationScope is { } scope && !await scope.MaySubscribeAsync(filter, args.CancellationToken)))
        {
            args.ProcessSubscription = false;
            args.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            args.ReasonString = "not authorized";
            args.CloseConnection = principal is null || principal.ProtocolVersion != MqttProtocolVersion.V500;
            Log.SubscribeRefused(logger, args.ClientId, principal?.CertificateId ?? "-", filter);
        }
        else if (args.TopicFilter.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce)
        {
            // AWS IoT has no QoS 2; grant QoS 1, as it does.
            args.TopicFilter.QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce;
        }
    }

    /// <summary>
    /// Every delivery, retained messages sent on SUBSCRIBE included, is checked against the
    /// receiver's policy, so a wildcard subscription never carries another owner's message to an
    /// owner-scoped integration. (MQTTnet gives this event no cancellation token; the scope answers
    /// from memory except for a camera it has not seen yet, one indexed query.)
    /// </summary>
    private async Task OnInterceptingClientEnqueueAsync(InterceptingClientApplicationMessageEnqueueEventArgs args)
    {
        if (connections.TryGetTarget(args.ApplicationMessage, out var target))
        {
            args.AcceptEnqueue = string.Equals(target, args.ReceiverClientId, StringComparison.Ordinal);
            return;
        }

        var receiver = connections.Get(args.ReceiverClientId);
        var topic = args.ApplicationMessage.Topic;
        args.AcceptEnqueue = receiver is not null && DevicePolicy.MayReceive(receiver, topic)
            && (receiver.IntegrationScope is not { } scope || await scope.MayReceiveAsync(topic, CancellationToken.None));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 505, Level = LogLevel.Error, Message = "Fleet provisioning {Operation} for MQTT client {ClientId} failed")]
        public static partial void ProvisioningFailed(ILogger logger, string clientId, FleetProvisioningOperation operation, Exception exception);

        [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "MQTT client {ClientId} (certificate {CertificateId}) may not publish to {Topic}; refused")]
        public static partial void PublishRefused(ILogger logger, string clientId, string certificateId, string topic);

        [LoggerMessage(EventId = 509, Level = LogLevel.Information, Message = "MQTT: the server is stopping; closed {Count} connections (server shutting down)")]
        public static partial void ClosedForShutdown(ILogger logger, int count);

        [LoggerMessage(EventId = 514, Level = LogLevel.Warning, Message = "MQTT: the server is stopping; closing client {ClientId} failed")]
        public static partial void ShutdownCloseFailed(ILogger logger, Exception exception, string clientId);

        [LoggerMessage(EventId = 507, Level = LogLevel.Warning, Message = "MQTT client {ClientId} may not retain a message on {Topic} ({Reason}); refused")]
        public static partial void RetainRefused(ILogger logger, string clientId, string topic, string reason);

        [LoggerMessage(EventId = 508, Level = LogLevel.Warning, Message = "Certificate request from MQTT client {ClientId} (claim certificate {CertificateId}, address {Address}) throttled: {Reason}")]
        public static partial void CertificateRequestThrottled(ILogger logger, string clientId, string certificateId, string address, string reason);

        [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "MQTT client {ClientId} (certificate {CertificateId}) may not subscribe to {Filter}; refused")]
        public static partial void SubscribeRefused(ILogger logger, string clientId, string certificateId, string filter);
    }
}
