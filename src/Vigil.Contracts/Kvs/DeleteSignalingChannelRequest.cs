namespace Vigil.Contracts.Kvs;

/// <summary><c>POST /deleteSignalingChannel</c>.</summary>
public sealed class DeleteSignalingChannelRequest
{
    /// <summary>Required.</summary>
    public string? ChannelARN { get; init; }

    /// <summary>When given, must be the channel's current version.</summary>
    public string? CurrentVersion { get; init; }
}
