namespace Vigil.Server.Features.Devices;

/// <summary>
/// A provisioned device (AWS IoT's "thing"): created by fleet provisioning from a template, named
/// after the camera's serial number by default, with the certificate it connects with and whether
/// it is connected now. Attributes and groups come from the provisioning template.
/// </summary>
internal sealed class Thing
{
    public required string Name { get; init; }

    /// <summary>
    /// The manufacturer's serial number the thing provisioned with (the template's <c>SerialNumber</c>
    /// parameter, else its name): how a camera bound by serial finds its thing. One thing per serial.
    /// </summary>
    public required string Serial { get; set; }

    public string? ThingTypeName { get; set; }

    /// <summary>Template attributes as a JSON object of strings.</summary>
    public required string AttributesJson { get; set; }

    /// <summary>Thing groups as a JSON array of strings.</summary>
    public required string ThingGroupsJson { get; set; }

    /// <summary>The provisioning template that created (or last re-provisioned) the thing.</summary>
    public required string Template { get; set; }

    /// <summary>The id (SHA-256 fingerprint) of the device certificate the thing connects with.</summary>
    public required string CertificateId { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set by <c>vigil things revoke</c>: the certificate is revoked and re-provisioning is refused unless allowed.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Connected to the MQTT broker now (kept by the presence tracker).</summary>
    public bool Online { get; set; }

    /// <summary>Last time the thing was seen connected: its connect, its disconnect, or a heartbeat while connected.</summary>
    public DateTimeOffset? LastSeen { get; set; }

    /// <summary>When <see cref="Online"/> last changed (connect, disconnect, or found stale): what status streams poll for.</summary>
    public DateTimeOffset? PresenceChangedAt { get; set; }

    /// <summary>
    /// AWS lifecycle events' <c>versionNumber</c>: increases with every connect, shared by the matching
    /// disconnect, so a consumer can order events that arrive out of order.
    /// </summary>
    public long PresenceVersion { get; set; }
}
