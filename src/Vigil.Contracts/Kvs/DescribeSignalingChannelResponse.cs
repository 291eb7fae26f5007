namespace Vigil.Contracts.Kvs;

/// <summary>The answer to DescribeSignalingChannel.</summary>
public sealed class DescribeSignalingChannelResponse
{
    /// <summary>The channel.</summary>
    public required ChannelInfo ChannelInfo { get; init; }
}
