namespace Vigil.Agent;

/// <summary>A certificate the server issued but that is not registered yet (saved before RegisterThing, so a crash does not lose it).</summary>
internal sealed record PendingRegistration(string CertificateId, string CertificatePem, string CertificateOwnershipToken, DateTimeOffset IssuedAt);
