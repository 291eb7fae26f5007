namespace Vigil.Contracts.Kvs;

/// <summary>The answer to GetSignalingChannelEndpoint.</summary>
public sealed class GetSignalingChannelEndpointResponse
{
    /// <summary>One entry per requested protocol.</summary>
    public required IReadOnlyList<ResourceEndpointListItem> ResourceEndpointList { get; init; }
}
