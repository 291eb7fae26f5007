namespace Vigil.Server.Features.Signaling;

/// <summary>A KVS signaling channel (SINGLE_MASTER): one master (the camera) and up to N viewers exchange SDP and ICE through it.</summary>
internal sealed class SignalingChannel
{
    public required Guid Id { get; init; }

    /// <summary>Unique, case-sensitive, 1 to 256 of <c>[a-zA-Z0-9_.-]</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>arn:aws:kinesisvideo:&lt;region&gt;:&lt;account&gt;:channel/&lt;name&gt;/&lt;creation-millis&gt;</c>.</summary>
    public required string Arn { get; init; }

    public required int MessageTtlSeconds { get; set; }

    /// <summary>Opaque, changes with every update; Update and Delete compare it (optimistic concurrency).</summary>
    public required string Version { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who created it (<c>user/…</c>, <c>thing/…</c>, or <c>vigil</c> for channels Vigil made itself).</summary>
    public required string CreatedBy { get; init; }

    public List<SignalingChannelTag> Tags { get; init; } = [];
}
