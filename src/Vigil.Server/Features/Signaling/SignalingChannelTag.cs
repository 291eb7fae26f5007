namespace Vigil.Server.Features.Signaling;

internal sealed class SignalingChannelTag
{
    public required Guid ChannelId { get; init; }

    public required string Key { get; init; }

    public required string Value { get; set; }
}
