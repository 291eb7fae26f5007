namespace Vigil.Server.Features.Integrations;

/// <summary>What <c>vigil integrations create</c> wrote: where, and the certificate's id and expiry.</summary>
internal sealed record IntegrationBundle(string Name, string Directory, string CertificateId, DateTimeOffset NotAfter, int MqttPort);
