namespace Vigil.Server.Features.Devices;

/// <summary>
/// Told when fleet provisioning created or re-provisioned a thing, inside the transaction that
/// stores it (through the scope's <c>VigilDbContext</c>), so the thing and what observers add are
/// committed together. Signaling implements it to create the thing's signaling channel (named
/// after the thing). A failing observer's work is rolled back to a savepoint and logged; it does
/// not undo the provisioning: the camera may create its channel itself.
/// </summary>
internal interface IThingLifecycleObserver
{
    Task OnThingProvisionedAsync(ThingProvisioned thing, CancellationToken cancellationToken);
}
