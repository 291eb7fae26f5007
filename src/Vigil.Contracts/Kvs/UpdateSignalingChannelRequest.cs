namespace Vigil.Contracts.Kvs;

/// <summary><c>POST /updateSignalingChannel</c>.</summary>
public sealed class UpdateSignalingChannelRequest
{
    /// <summary>Required.</summary>
    public string? ChannelARN { get; init; }

    /// <summary>Required: the channel's current version.</summary>
    public string? CurrentVersion { get; init; }

    /// <summary>The new configuration.</summary>
    public SingleMasterConfiguration? SingleMasterConfiguration { get; init; }
}
