namespace Vigil.Server.Features.Devices;

/// <summary>What fleet provisioning stores for a thing it registered (new, or again with a new certificate).</summary>
internal sealed record ProvisionedThing(
    string Name,
    string Serial,
    string? ThingTypeName,
    string AttributesJson,
    string ThingGroupsJson,
    string Template,
    string CertificateId);
