namespace Vigil.Contracts.Kvs;

/// <summary><c>POST /describeSignalingChannel</c>: by name or by ARN (one of them).</summary>
public sealed class DescribeSignalingChannelRequest
{
    /// <summary>The channel's name.</summary>
    public string? ChannelName { get; init; }

    /// <summary>The channel's ARN.</summary>
    public string? ChannelARN { get; init; }
}
