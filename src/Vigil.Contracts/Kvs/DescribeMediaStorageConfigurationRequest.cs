namespace Vigil.Contracts.Kvs;

/// <summary><c>POST /describeMediaStorageConfiguration</c>: by name or by ARN.</summary>
public sealed class DescribeMediaStorageConfigurationRequest
{
    /// <summary>The channel's name.</summary>
    public string? ChannelName { get; init; }

    /// <summary>The channel's ARN.</summary>
    public string? ChannelARN { get; init; }
}
