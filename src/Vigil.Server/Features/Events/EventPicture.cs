namespace Vigil.Server.Features.Events;

/// <summary>A picture of an event; paths are relative to <c>&lt;data&gt;/events</c>.</summary>
internal sealed class EventPicture
{
    public long Id { get; set; }

    public long EventId { get; set; }

    public required int Index { get; init; }

    public string? FileName { get; init; }

    public required string ContentType { get; init; }

    public required string Path { get; init; }

    public string? ThumbnailPath { get; init; }

    public string? AnnotatedPath { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }
}
