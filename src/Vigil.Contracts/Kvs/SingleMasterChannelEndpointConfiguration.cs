namespace Vigil.Contracts.Kvs;

/// <summary>Which endpoints GetSignalingChannelEndpoint should return.</summary>
public sealed class SingleMasterChannelEndpointConfiguration
{
    /// <summary>1 to 5 of <c>WSS</c>, <c>HTTPS</c>, <c>WEBRTC</c>.</summary>
    public IReadOnlyList<string>? Protocols { get; init; }

    /// <summary><c>MASTER</c> or <c>VIEWER</c>.</summary>
    public string? Role { get; init; }
}
