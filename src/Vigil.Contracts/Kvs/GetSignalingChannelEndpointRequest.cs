namespace Vigil.Contracts.Kvs;

/// <summary><c>POST /getSignalingChannelEndpoint</c>.</summary>
public sealed class GetSignalingChannelEndpointRequest
{
    /// <summary>Required.</summary>
    public string? ChannelARN { get; init; }

    /// <summary>Protocols and role; default WSS and HTTPS for MASTER.</summary>
    public SingleMasterChannelEndpointConfiguration? SingleMasterChannelEndpointConfiguration { get; init; }
}
