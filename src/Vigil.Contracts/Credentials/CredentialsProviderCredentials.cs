namespace Vigil.Contracts.Credentials;

/// <summary>Temporary credentials as the IoT credentials provider returns them.</summary>
public sealed record CredentialsProviderCredentials
{
    /// <summary>Starts with <c>ASIA</c>.</summary>
    public required string AccessKeyId { get; init; }

    /// <summary>The secret the client signs with.</summary>
    public required string SecretAccessKey { get; init; }

    /// <summary>Sent as <c>x-amz-security-token</c>.</summary>
    public required string SessionToken { get; init; }

    /// <summary>Exactly <c>yyyy-MM-ddTHH:mm:ssZ</c> (20 characters; the KVS C SDK rejects anything else).</summary>
    public required string Expiration { get; init; }
}
