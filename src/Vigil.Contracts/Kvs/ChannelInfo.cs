namespace Vigil.Contracts.Kvs;

/// <summary>A signaling channel as DescribeSignalingChannel and ListSignalingChannels show it.</summary>
public sealed class ChannelInfo
{
    /// <summary>The name.</summary>
    public required string ChannelName { get; init; }

    /// <summary>The ARN.</summary>
    public required string ChannelARN { get; init; }

    /// <summary><c>SINGLE_MASTER</c>.</summary>
    public required string ChannelType { get; init; }

    /// <summary><c>ACTIVE</c> (channels are usable as soon as they are created).</summary>
    public required string ChannelStatus { get; init; }

    /// <summary>Epoch seconds with a fraction (restJson1 timestamps).</summary>
    public required double CreationTime { get; init; }

    /// <summary>The configuration.</summary>
    public required SingleMasterConfiguration SingleMasterConfiguration { get; init; }

    /// <summary>Opaque; changes on every update and must be passed back to update or delete.</summary>
    public required string Version { get; init; }
}
