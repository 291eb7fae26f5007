namespace Vigil.Server.Features.Credentials;

/// <summary>What the credentials must speak for: the thing (its context variables) and the role alias's policy and duration.</summary>
internal sealed record DeviceCredentialsRequest(string ThingName, string? ThingTypeName, string CertificateId, string RoleAlias, string PolicyJson, TimeSpan Duration);
