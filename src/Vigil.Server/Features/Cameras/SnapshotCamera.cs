namespace Vigil.Server.Features.Cameras;

/// <summary>
/// A camera that delivers pictures by e-mail, webhook or HTTP upload. It proves itself with its
/// SMTP credentials, its private ingest address or its upload token; none of those secrets is
/// stored, only their SHA-256 hashes (they are 128-bit random values, so a plain hash suffices).
/// </summary>
internal sealed class SnapshotCamera
{
    public required Guid Id { get; init; }

    public required string Name { get; set; }

    /// <summary>The owner's account id (Identity); events belong to them. Not their e-mail address, which can change.</summary>
    public required Guid OwnerId { get; set; }

    public required string SmtpUsername { get; init; }

    public required byte[] SmtpPasswordHash { get; set; }

    /// <summary>Hash of the local part of the private ingest address.</summary>
    public required byte[] IngestTokenHash { get; set; }

    public required byte[] UploadTokenHash { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }
}
