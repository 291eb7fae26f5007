namespace Vigil.Server.Features.Integrations;

/// <summary>
/// A Home Assistant MQTT discovery payload for a binary sensor (keys as Home Assistant documents
/// them, snake_case). Availability follows <c>vigil/status</c>, so the sensors show
/// "unavailable" while Vigil is stopped.
/// </summary>
internal sealed record HomeAssistantBinarySensor(
    string Name,
    string UniqueId,
    string DeviceClass,
    string StateTopic,
    string PayloadOn,
    string PayloadOff,
    string AvailabilityTopic,
    string PayloadAvailable,
    string PayloadNotAvailable,
    string JsonAttributesTopic,
    int Qos,
    HomeAssistantDevice Device,
    HomeAssistantOrigin Origin);
