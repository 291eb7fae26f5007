namespace Vigil.Contracts.Credentials;

/// <summary>The credentials provider's 200 body: <c>{"credentials": {...}}</c> (spec §5.1).</summary>
public sealed record CredentialsProviderResponse
{
    /// <summary>The temporary credentials.</summary>
    public required CredentialsProviderCredentials Credentials { get; init; }
}
