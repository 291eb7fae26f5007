namespace Vigil.Server.Features.Vision;

/// <summary>One object found in a picture: its friendly label, score (0–1) and box in the picture's pixels.</summary>
internal sealed record Detection(int ClassId, string Label, float Confidence, float X, float Y, float Width, float Height)
{
    public string CocoName => CocoLabels.Names[ClassId];
}
