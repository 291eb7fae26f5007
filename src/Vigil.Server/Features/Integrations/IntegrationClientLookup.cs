using Microsoft.Extensions.Options;
using Vigil.Server.Features.Provisioning;

namespace Vigil.Server.Features.Integrations;

/// <summary>
/// The broker's view of integrations: an integration connects with its name as client id and reads
/// Vigil's and the discovery topics, only its owner's cameras' unless it was created for all owners.
/// </summary>
internal sealed class IntegrationClientLookup(IntegrationDirectory directory, CameraOwnerCache owners, IOptions<IntegrationsOptions> options) : IIntegrationClients
{
    public async Task<IntegrationClient?> FindByCertificateAsync(string certificateId, CancellationToken cancellationToken)
    {
        if (await directory.FindByCertificateAsync(certificateId, cancellationToken) is not { } integration)
        {
            return null;
        }

        var prefix = options.Value.DiscoveryPrefix;
        var scope = integration.OwnerId is { } owner ? new OwnerTopicScope(owner, prefix, owners) : null;
        return new IntegrationClient(integration.Name, IntegrationTopics.ReadFilters(prefix), scope);
    }

    public Task<bool> IsClientIdAsync(string clientId, CancellationToken cancellationToken) => directory.ExistsAsync(clientId, cancellationToken);
}
