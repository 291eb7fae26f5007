namespace Vigil.Server.Features.Devices;

/// <summary>
/// Told when a thing is revoked (<c>vigil things revoke</c>), inside the transaction that revokes it (through the
/// scope's <c>VigilDbContext</c>), so that what belonged to the thing goes with the revocation or not at all.
/// Provisioning implements it to delete the thing's retained MQTT messages.
/// </summary>
internal interface IThingRevocationObserver
{
    Task OnThingRevokedAsync(string thingName, CancellationToken cancellationToken);
}
