namespace Vigil.Server.Features.Events;

internal sealed record EventDetectionView(int Picture, string Label, float Confidence, float X, float Y, float Width, float Height);
