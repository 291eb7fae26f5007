using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Vigil.Server.Features.Provisioning;

namespace Vigil.Server.Features.Integrations;

/// <summary>
/// Publishes from inside the server into its own MQTT broker (no client connection, no
/// credentials): the broker's policy lets these messages through and delivers them to the
/// connections allowed to receive them (integrations). QoS 1 towards subscribers.
/// In cluster mode a message is <see cref="IntegrationReach.Cluster"/> when only this node makes it (what one event
/// causes: a rule's MQTT message, the person sensor going ON or OFF) and <see cref="IntegrationReach.Node"/> when every
/// node publishes it itself (availability, discovery: sending them on would deliver each once per node).
/// </summary>
internal sealed class IntegrationPublisher
{
    private readonly MqttServer _server;
    private readonly MqttClusterRelay _relay;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IntegrationPublisher(MqttServer server, MqttClusterRelay relay)
    {
        _server = server;
        _relay = relay;
        server.StartedAsync += _ =>
        {
            _started.TrySetResult();
            return Task.CompletedTask;
        };
        if (server.IsStarted)
        {
            _started.TrySetResult();
        }
    }

    public bool IsAvailable => _server.IsStarted;

    /// <summary>The broker is started by its hosted service once the application has started, after the other services' start.</summary>
    public Task WaitUntilStartedAsync(CancellationToken cancellationToken) => _started.Task.WaitAsync(cancellationToken);

    /// <summary>Publishes one message; a retained empty payload removes the retained message (MQTT 5 §3.3.1.3).</summary>
    public async Task PublishAsync(string topic, byte[] payload, bool retain, string? contentType, IntegrationReach reach, CancellationToken cancellationToken)
    {
        if (!_server.IsStarted)
        {
            throw new IntegrationPublishException("the MQTT broker is not running");
        }

        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (contentType is not null)
        {
            builder.WithContentType(contentType);
        }

        var message = builder.Build();
        try
        {
            await _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new IntegrationPublishException($"the MQTT broker refused the message for {topic}: {e.Message}", e);
        }

        if (reach == IntegrationReach.Cluster)
        {
            _relay.Forward(message);
        }
    }
}
