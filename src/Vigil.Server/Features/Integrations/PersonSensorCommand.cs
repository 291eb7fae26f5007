namespace Vigil.Server.Features.Integrations;

/// <summary>What the <see cref="PersonSensor"/> is told: a person seen, a camera to show, a camera gone.</summary>
internal sealed record PersonSensorCommand(PersonSensorCommandKind Kind, Guid CameraId, DateTimeOffset At);
