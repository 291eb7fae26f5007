using Microsoft.Extensions.Options;
using Vigil.Server.Features.Provisioning;

namespace Vigil.Server.Features.Integrations;

/// <summary>The broker's view of integrations: an integration connects with its name as client id and reads Vigil's and the discovery topics.</summary>
internal sealed class IntegrationClientLookup(IntegrationDirectory directory, IOptions<IntegrationsOptions> options) : IIntegrationClients
{
    public async Task<IntegrationClient?> FindByCertificateAsync(string certificateId, CancellationToken cancellationToken) =>
        await directory.FindByCertificateAsync(certificateId, cancellationToken) is { } integration
            ? new IntegrationClient(integration.Name, IntegrationTopics.ReadFilters(options.Value.DiscoveryPrefix))
            : null;

    public Task<bool> IsClientIdAsync(string clientId, CancellationToken cancellationToken) => directory.ExistsAsync(clientId, cancellationToken);
}
