namespace Vigil.Server.Features.Devices;

/// <summary>
/// A camera the manufacturer made (the reference design's "device table"): fleet provisioning
/// admits a serial only if it is here and not revoked, and a user binds a camera by proving its
/// secret. The secret itself is never stored: only a keyed hash (see <see cref="DeviceSecretHasher"/>).
/// </summary>
internal sealed class RegistryEntry
{
    public required string Serial { get; init; }

    public required byte[] SecretHash { get; init; }

    public required string Model { get; init; }

    public required Guid ImportId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }
}
