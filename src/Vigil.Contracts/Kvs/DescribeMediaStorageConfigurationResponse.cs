namespace Vigil.Contracts.Kvs;

/// <summary>The answer to DescribeMediaStorageConfiguration.</summary>
public sealed class DescribeMediaStorageConfigurationResponse
{
    /// <summary>The configuration.</summary>
    public required MediaStorageConfiguration MediaStorageConfiguration { get; init; }
}
