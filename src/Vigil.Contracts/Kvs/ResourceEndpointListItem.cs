namespace Vigil.Contracts.Kvs;

/// <summary>One endpoint of a channel.</summary>
public sealed class ResourceEndpointListItem
{
    /// <summary><c>WSS</c> or <c>HTTPS</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>The URL, e.g. <c>wss://vigil.example.com/signaling/viewer</c> (no query).</summary>
    public required string ResourceEndpoint { get; init; }
}
