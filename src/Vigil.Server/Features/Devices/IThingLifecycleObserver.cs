namespace Vigil.Server.Features.Devices;

/// <summary>
/// Told when fleet provisioning created or re-provisioned a thing, after it is stored. Signaling
/// implements it to create the thing's signaling channel (named after the thing). A failing
/// observer is logged and does not undo the provisioning: the camera may create its channel itself.
/// </summary>
internal interface IThingLifecycleObserver
{
    Task OnThingProvisionedAsync(ThingProvisioned thing, CancellationToken cancellationToken);
}
