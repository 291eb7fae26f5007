using System.Diagnostics.CodeAnalysis;

namespace Vigil.SigV4;

/// <summary>The answer of an <see cref="ISigV4CredentialResolver{TPrincipal}"/>: the secret and principal, or why not.</summary>
/// <typeparam name="TPrincipal">Whatever the application attaches to a credential (user, device, policy).</typeparam>
public sealed class SigV4CredentialLookup<TPrincipal>
{
    /// <summary>A known key: verification continues with <paramref name="secretAccessKey"/>, and on success returns <paramref name="principal"/>.</summary>
    public SigV4CredentialLookup(string secretAccessKey, TPrincipal principal)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        Status = SigV4CredentialLookupStatus.Found;
        SecretAccessKey = secretAccessKey;
        Principal = principal;
    }

    /// <summary>A refusal: <paramref name="status"/> is anything but <see cref="SigV4CredentialLookupStatus.Found"/>.</summary>
    public SigV4CredentialLookup(SigV4CredentialLookupStatus status)
    {
        if (status == SigV4CredentialLookupStatus.Found || !Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Use the (secret, principal) constructor for a found key.");
        }

        Status = status;
    }

    /// <summary>The outcome.</summary>
    public SigV4CredentialLookupStatus Status { get; }

    /// <summary>The secret access key when <see cref="Found"/>.</summary>
    public string? SecretAccessKey { get; }

    /// <summary>The principal when <see cref="Found"/>.</summary>
    public TPrincipal? Principal { get; }

    /// <summary>Whether the key was found.</summary>
    [MemberNotNullWhen(true, nameof(SecretAccessKey))]
    public bool Found => Status == SigV4CredentialLookupStatus.Found;
}
