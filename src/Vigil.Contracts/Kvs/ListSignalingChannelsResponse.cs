namespace Vigil.Contracts.Kvs;

/// <summary>One page of channels.</summary>
public sealed class ListSignalingChannelsResponse
{
    /// <summary>The channels of this page.</summary>
    public required IReadOnlyList<ChannelInfo> ChannelInfoList { get; init; }

    /// <summary>Absent on the last page.</summary>
    public string? NextToken { get; init; }
}
