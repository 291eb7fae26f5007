namespace Vigil.Server.Features.Events;

internal sealed record RecordedDetection(string Label, float Confidence, int PictureIndex, float X, float Y, float Width, float Height);
