using Vigil.Server.Features.Devices;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// Gives every provisioned camera its signaling channel, named after its thing (what the reference
/// design's provisioning does, and what the role alias's <c>channel/${credentials-iot:ThingName}/*</c>
/// policy expects). Re-provisioning keeps the existing channel, so viewers keep their ARN.
/// </summary>
internal sealed class ThingChannelProvisioner(ChannelStore channels) : IThingLifecycleObserver
{
    public Task OnThingProvisionedAsync(ThingProvisioned thing, CancellationToken cancellationToken) =>
        channels.EnsureAsync(thing.ThingName, "vigil", cancellationToken);
}
