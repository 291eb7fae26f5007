namespace Vigil.Server.Features.Cameras;

/// <summary>
/// A camera of one owner, of either kind. A live camera is one the owner bound with its serial
/// number and secret (<see cref="Serial"/> is set; its thing, presence and signaling channel are
/// found by that serial). A snapshot camera delivers pictures by e-mail, webhook or HTTP upload; a
/// live camera may do that too once given snapshot-ingest credentials. Those credentials are the
/// SMTP username and password, the private ingest address and the upload token; none of the
/// secrets is stored, only their SHA-256 hashes (they are 128-bit random values, so a plain hash
/// suffices), and all four are null for a camera without them.
/// </summary>
internal sealed class Camera
{
    public required Guid Id { get; init; }

    public required string Name { get; set; }

    /// <summary>The owner's account id (Identity); events belong to them. Not their e-mail address, which can change.</summary>
    public required Guid OwnerId { get; set; }

    /// <summary>The manufacturer's serial number of a live camera (at most one owner each); null for a snapshot camera.</summary>
    public string? Serial { get; init; }

    public string? SmtpUsername { get; set; }

    public byte[]? SmtpPasswordHash { get; set; }

    /// <summary>Hash of the local part of the private ingest address.</summary>
    public byte[]? IngestTokenHash { get; set; }

    public byte[]? UploadTokenHash { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public CameraKind Kind => Serial is null ? CameraKind.Snapshot : CameraKind.Live;

    public bool HasSnapshotIngest => SmtpUsername is not null;
}
