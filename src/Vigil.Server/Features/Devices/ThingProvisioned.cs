namespace Vigil.Server.Features.Devices;

/// <summary>A thing was provisioned (new, or again with a new certificate).</summary>
internal sealed record ThingProvisioned(string ThingName, string? ThingTypeName, string CertificateId, string Template, bool Reprovisioned);
