namespace Vigil.Server.Features.Provisioning;

internal sealed record FleetProvisioningRequest(FleetProvisioningOperation Operation, string Topic, string? TemplateName);
