using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Devices;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// A revoked thing's retained messages are deleted with its revocation, in the same transaction, whichever process
/// revokes it (a command or the server): no restart or later node brings them back. The running brokers drop theirs
/// when they notice the revocation (<see cref="CertificateStatusWatcher"/>, <see cref="RetainedMessageStore.ForgetThingAsync"/>).
/// </summary>
internal sealed class RetainedMessageRevocation(VigilDbContext db) : IThingRevocationObserver
{
    public Task OnThingRevokedAsync(string thingName, CancellationToken cancellationToken) =>
        db.RetainedMessages.Where(m => m.ClientId == thingName).ExecuteDeleteAsync(cancellationToken);
}
