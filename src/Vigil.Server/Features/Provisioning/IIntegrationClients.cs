namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Who connects to the broker with an integration certificate (Home Assistant), and what it may
/// read. Integrations implements it: it publishes into this broker, so it depends on Provisioning,
/// and Provisioning asks it through this interface instead of depending back.
/// </summary>
internal interface IIntegrationClients
{
    /// <summary>The client the integration certificate <paramref name="certificateId"/> belongs to, or null (revoked, or never an integration's).</summary>
    Task<IntegrationClient?> FindByCertificateAsync(string certificateId, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="clientId"/> is an integration's client id (its name), connected or not.</summary>
    Task<bool> IsClientIdAsync(string clientId, CancellationToken cancellationToken);
}
