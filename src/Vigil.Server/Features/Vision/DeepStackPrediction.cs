using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Vision;

/// <summary>One object in a DeepStack / CodeProject.AI detection response (integer pixel box, lower-case COCO label).</summary>
internal sealed record DeepStackPrediction(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("confidence")] float Confidence,
    [property: JsonPropertyName("y_min")] int YMin,
    [property: JsonPropertyName("x_min")] int XMin,
    [property: JsonPropertyName("y_max")] int YMax,
    [property: JsonPropertyName("x_max")] int XMax);
