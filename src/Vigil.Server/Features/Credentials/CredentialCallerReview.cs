using Vigil.Server.Features.Identity;
using Vigil.Server.Features.Pki;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// The credentials' part of the review: a long-term key must still resolve (not revoked, account
/// enabled), a thing's certificate must still be active, and a user's temporary credentials need
/// the account still enabled.
/// </summary>
internal sealed class CredentialCallerReview(AccessKeyStore keys, CertificateRegistry certificates, IUserDirectory users) : ICallerReview
{
    public async Task<bool> MayStayAsync(CallerIdentity caller, string channelArn, CancellationToken cancellationToken)
    {
        if (!caller.IsTemporary)
        {
            return await keys.ResolveAsync(caller.AccessKeyId, cancellationToken) is not null;
        }

        var principal = caller.Principal;
        if (principal.Kind == PrincipalKind.Thing)
        {
            return await IsCertificateActiveAsync(certificates, principal, cancellationToken);
        }

        return !principal.Variables.TryGetValue(CredentialPrincipal.UserIdVariable, out var id)
            || !Guid.TryParse(id, out var userId)
            || await users.IsActiveAsync(userId, cancellationToken);
    }

    /// <summary>
    /// The certificate a thing's temporary credentials name is still active and the thing's. A session
    /// token naming a certificate this database never recorded was issued in-process (tests, tools) and
    /// only the key ring could have made it, so it is judged by its policy alone.
    /// </summary>
    public static async Task<bool> IsCertificateActiveAsync(CertificateRegistry certificates, CredentialPrincipal thing, CancellationToken cancellationToken)
    {
        if (!thing.Variables.TryGetValue(CredentialPrincipal.CertificateIdVariable, out var certificateId))
        {
            return false;
        }

        var record = await certificates.FindAsync(certificateId, cancellationToken);
        return record is null || (record.Status == CertificateStatus.Active && record.ThingName == thing.Name);
    }
}
