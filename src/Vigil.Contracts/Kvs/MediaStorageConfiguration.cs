namespace Vigil.Contracts.Kvs;

/// <summary>Whether a channel's media is ingested into a stream; always DISABLED in Vigil.</summary>
public sealed class MediaStorageConfiguration
{
    /// <summary><c>ENABLED</c> or <c>DISABLED</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The stream, when enabled.</summary>
    public string? StreamARN { get; init; }
}
