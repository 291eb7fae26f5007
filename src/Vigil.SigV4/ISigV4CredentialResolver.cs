namespace Vigil.SigV4;

/// <summary>
/// Looks up the secret behind an access key id for <see cref="SigV4Verifier{TPrincipal}"/>. For Vigil's
/// temporary credentials the session token is self-contained (it carries the encrypted secret, principal
/// and expiry), so an implementation can answer without a database read.
/// </summary>
/// <typeparam name="TPrincipal">Whatever the application attaches to a credential.</typeparam>
public interface ISigV4CredentialResolver<TPrincipal>
{
    /// <summary>Resolves <paramref name="accessKeyId"/>.</summary>
    /// <param name="accessKeyId">From the credential scope; syntactically valid but otherwise untrusted.</param>
    /// <param name="sessionToken">
    /// <c>X-Amz-Security-Token</c> (query, signed) or <c>x-amz-security-token</c> (header, signed or not), or
    /// <see langword="null"/>. Untrusted: the resolver must check that it is authentic, unexpired and issued
    /// for <paramref name="accessKeyId"/>; the signature check that follows proves the caller holds the secret.
    /// </param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<SigV4CredentialLookup<TPrincipal>> ResolveAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken);
}
