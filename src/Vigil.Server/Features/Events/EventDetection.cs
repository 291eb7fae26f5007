namespace Vigil.Server.Features.Events;

/// <summary>An object found in one of an event's pictures (box in that picture's pixels).</summary>
internal sealed class EventDetection
{
    public long Id { get; set; }

    public long EventId { get; set; }

    public required int PictureIndex { get; init; }

    public required string Label { get; init; }

    public required float Confidence { get; init; }

    public required float X { get; init; }

    public required float Y { get; init; }

    public required float Width { get; init; }

    public required float Height { get; init; }
}
