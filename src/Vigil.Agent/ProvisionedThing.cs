namespace Vigil.Agent;

/// <summary>The outcome of provisioning: the thing this camera now is.</summary>
internal sealed record ProvisionedThing(string ThingName, string CertificateId, Dictionary<string, string> DeviceConfiguration, DateTimeOffset ProvisionedAt);
