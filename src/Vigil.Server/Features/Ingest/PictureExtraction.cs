namespace Vigil.Server.Features.Ingest;

/// <summary>
/// The pictures of a message, the attachments skipped (with the reason, for the log), and when
/// there is no usable picture at all, the <see cref="Problem"/> to tell the sender and its
/// <see cref="ProblemKind"/> (a fixed word for metrics: header_too_large, invalid_mime, no_picture).
/// </summary>
internal sealed record PictureExtraction(
    IReadOnlyList<ExtractedPicture> Pictures,
    IReadOnlyList<string> Skipped,
    string? Subject,
    string? Problem,
    string? ProblemKind = null);
