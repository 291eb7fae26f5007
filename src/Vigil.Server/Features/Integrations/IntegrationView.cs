using Vigil.Server.Features.Pki;

namespace Vigil.Server.Features.Integrations;

/// <summary>An integration as <c>vigil integrations list</c> shows it; <paramref name="OwnerId"/> null means it reads every owner's cameras.</summary>
internal sealed record IntegrationView(string Name, string CertificateId, CertificateStatus Status, DateTimeOffset CreatedAt, DateTimeOffset NotAfter, Guid? OwnerId);
