namespace Vigil.Contracts.Kvs;

/// <summary>A filter of ListSignalingChannels.</summary>
public sealed class ChannelNameCondition
{
    /// <summary><c>BEGINS_WITH</c>.</summary>
    public string? ComparisonOperator { get; init; }

    /// <summary>The prefix.</summary>
    public string? ComparisonValue { get; init; }
}
