namespace Vigil.Contracts.Kvs;

/// <summary>One ICE server: 1 to 4 URIs and time-limited credentials (TURN REST scheme).</summary>
public sealed class IceServer
{
    /// <summary><c>turn:</c>, <c>turns:</c> or <c>stun:</c> URIs.</summary>
    public required IReadOnlyList<string> Uris { get; init; }

    /// <summary><c>&lt;expiry-unix-seconds&gt;:&lt;client&gt;</c>.</summary>
    public required string Username { get; init; }

    /// <summary>base64(HMAC-SHA1(shared secret, Username)).</summary>
    public required string Password { get; init; }

    /// <summary>Seconds the credentials are valid (a bare integer).</summary>
    public required int Ttl { get; init; }
}
