namespace Vigil.Server.Features.Pki;

internal sealed record ClaimBundle(string Directory, string CertificateId, string Template, DateTimeOffset NotAfter);
