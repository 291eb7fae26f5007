namespace Vigil.Server.Features.Notifications;

/// <summary>The MQTT action's name in delivery records; the action itself is the Integrations feature's.</summary>
internal static class MqttRuleAction
{
    public const string Kind = "Mqtt";

    /// <summary>The delivery's target as shown by <c>vigil notifications list</c>: the topic.</summary>
    public static string Target(Guid cameraId) => Integrations.IntegrationTopics.Events(cameraId);
}
