namespace Vigil.Contracts.Kvs;

/// <summary>The answer to CreateSignalingChannel.</summary>
public sealed class CreateSignalingChannelResponse
{
    /// <summary><c>arn:aws:kinesisvideo:&lt;region&gt;:&lt;account&gt;:channel/&lt;name&gt;/&lt;creation-millis&gt;</c>.</summary>
    public required string ChannelARN { get; init; }
}
