namespace Vigil.Server.Features.Provisioning;

/// <summary>One MQTT 5 user property of a <see cref="RetainedMessage"/>: the value as the broker keeps it, bytes.</summary>
internal sealed record RetainedUserProperty(string Name, byte[] Value);
