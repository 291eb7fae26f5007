namespace Vigil.SigV4.Tests.Support;

/// <summary>
/// A credential store for tests: long-term keys, and temporary keys bound to one session token with an
/// expiry checked against the test's clock. Counts lookups so tests can see whether it was consulted.
/// </summary>
internal sealed class InMemoryCredentialResolver(TimeProvider time) : ISigV4CredentialResolver<string>
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public int Lookups { get; private set; }

    public string? LastSessionToken { get; private set; }

    public InMemoryCredentialResolver Add(SigV4Credentials credentials, string principal, DateTimeOffset? tokenExpiry = null)
    {
        _entries[credentials.AccessKeyId] = new Entry(credentials.SecretAccessKey, credentials.SessionToken, tokenExpiry, principal);
        return this;
    }

    public ValueTask<SigV4CredentialLookup<string>> ResolveAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken)
    {
        Lookups++;
        LastSessionToken = sessionToken;
        if (!_entries.TryGetValue(accessKeyId, out var entry))
        {
            return ValueTask.FromResult(new SigV4CredentialLookup<string>(SigV4CredentialLookupStatus.UnknownAccessKey));
        }

        if (entry.Token is not null && !string.Equals(entry.Token, sessionToken, StringComparison.Ordinal))
        {
            return ValueTask.FromResult(new SigV4CredentialLookup<string>(SigV4CredentialLookupStatus.InvalidToken));
        }

        if (entry.TokenExpiry is { } expiry && time.GetUtcNow() >= expiry)
        {
            return ValueTask.FromResult(new SigV4CredentialLookup<string>(SigV4CredentialLookupStatus.ExpiredToken));
        }

        return ValueTask.FromResult(new SigV4CredentialLookup<string>(entry.Secret, entry.Principal));
    }

    private sealed record Entry(string Secret, string? Token, DateTimeOffset? TokenExpiry, string Principal);
}
