namespace Vigil.Contracts.Kvs;

/// <summary>A resource tag (CreateSignalingChannel, TagResource).</summary>
public sealed class Tag
{
    /// <summary>1 to 128 characters.</summary>
    public string? Key { get; init; }

    /// <summary>0 to 256 characters.</summary>
    public string? Value { get; init; }
}
