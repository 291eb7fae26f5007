namespace Vigil.Contracts.Credentials;

/// <summary>The credentials provider's error body: <c>{"message": "..."}</c> with 400, 403, 404 or 503.</summary>
public sealed record CredentialsProviderError
{
    /// <summary>What went wrong.</summary>
    public required string Message { get; init; }
}
