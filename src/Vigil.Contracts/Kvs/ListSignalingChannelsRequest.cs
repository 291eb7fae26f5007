namespace Vigil.Contracts.Kvs;

/// <summary><c>POST /listSignalingChannels</c>.</summary>
public sealed class ListSignalingChannelsRequest
{
    /// <summary>1 to 10000 (default 10000).</summary>
    public int? MaxResults { get; init; }

    /// <summary>From the previous page.</summary>
    public string? NextToken { get; init; }

    /// <summary>Optional name filter.</summary>
    public ChannelNameCondition? ChannelNameCondition { get; init; }
}
