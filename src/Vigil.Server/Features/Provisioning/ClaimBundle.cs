namespace Vigil.Server.Features.Provisioning;

internal sealed record ClaimBundle(string Directory, string CertificateId, string Template, DateTimeOffset NotAfter);
