using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// The live MQTT connections of this node and who is on each, keyed by client id (MQTT allows
/// one connection per client id; a new one takes the session over). Also sends messages to
/// exactly one connection: fleet-provisioning responses go only to the requester (spec §4.2).
/// </summary>
internal sealed class DeviceConnections
{
    private readonly ConcurrentDictionary<string, DevicePrincipal> _validated = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DevicePrincipal> _connected = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<MqttApplicationMessage, string> _targets = [];
    private MqttServer? _server;

    public int Count => _connected.Count;

    public ICollection<DevicePrincipal> All => _connected.Values;

    public void Attach(MqttServer server) => _server = server;

    public DevicePrincipal? Get(string? clientId) =>
        clientId is not null && _connected.TryGetValue(clientId, out var principal) ? principal : null;

    /// <summary>A connection passed validation; it becomes current when the broker reports it connected.</summary>
    public void Validated(DevicePrincipal principal) => _validated[principal.ClientId] = principal;

    public DevicePrincipal? Connected(string clientId)
    {
        if (!_validated.TryRemove(clientId, out var principal))
        {
            return null;
        }

        _connected[clientId] = principal;
        return principal;
    }

    public DevicePrincipal? Disconnected(string clientId, bool takenOver) =>
        takenOver ? Get(clientId) : _connected.TryRemove(clientId, out var principal) ? principal : null;

    /// <summary>The connection a message injected by <see cref="SendToAsync"/> is for, if any.</summary>
    public bool TryGetTarget(MqttApplicationMessage message, out string? clientId) => _targets.TryGetValue(message, out clientId);

    public async Task SendToAsync(string clientId, string topic, byte[] payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .Build();
        _targets.Add(message, clientId);
        await Server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message), cancellationToken);
    }

    /// <summary>Closes a connection now (MQTT 5 clients get the reason code in a DISCONNECT).</summary>
    public async Task DisconnectAsync(DevicePrincipal principal, string lifecycleReason, MqttDisconnectReasonCode reasonCode)
    {
        principal.Revoked = true;
        principal.ServerDisconnectReason = lifecycleReason;
        if (Get(principal.ClientId) != principal)
        {
            return;
        }

        try
        {
            await Server.DisconnectClientAsync(principal.ClientId, new MqttServerClientDisconnectOptions { ReasonCode = reasonCode, ReasonString = lifecycleReason });
        }
        catch (InvalidOperationException)
        {
            // It went away on its own meanwhile.
        }
    }

    private MqttServer Server => _server ?? throw new InvalidOperationException("The MQTT broker is not running.");
}
