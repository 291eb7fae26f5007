namespace Vigil.Contracts.Kvs;

/// <summary><c>POST /createSignalingChannel</c>.</summary>
public sealed class CreateSignalingChannelRequest
{
    /// <summary>Required: 1 to 256 of <c>[a-zA-Z0-9_.-]</c>.</summary>
    public string? ChannelName { get; init; }

    /// <summary><c>SINGLE_MASTER</c> (default); <c>FULL_MESH</c> is not supported.</summary>
    public string? ChannelType { get; init; }

    /// <summary>Optional configuration.</summary>
    public SingleMasterConfiguration? SingleMasterConfiguration { get; init; }

    /// <summary>Up to 50 tags.</summary>
    public IReadOnlyList<Tag>? Tags { get; init; }
}
