namespace Vigil.Server.Features.Integrations;

/// <summary>What <c>vigil integrations create</c> wrote: where, the certificate's id and expiry, and whose cameras it reads (null: every owner's).</summary>
internal sealed record IntegrationBundle(string Name, string Directory, string CertificateId, DateTimeOffset NotAfter, int MqttPort, Guid? OwnerId);
