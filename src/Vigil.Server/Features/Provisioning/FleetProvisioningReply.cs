namespace Vigil.Server.Features.Provisioning;

/// <summary>The response to one fleet-provisioning request: its accepted or rejected topic and JSON payload.</summary>
internal sealed record FleetProvisioningReply(string Topic, byte[] Payload, bool Accepted);
