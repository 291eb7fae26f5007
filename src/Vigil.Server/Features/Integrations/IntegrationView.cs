using Vigil.Server.Features.Pki;

namespace Vigil.Server.Features.Integrations;

/// <summary>An integration as <c>vigil integrations list</c> shows it.</summary>
internal sealed record IntegrationView(string Name, string CertificateId, CertificateStatus Status, DateTimeOffset CreatedAt, DateTimeOffset NotAfter);
