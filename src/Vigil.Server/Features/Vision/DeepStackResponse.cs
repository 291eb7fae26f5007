using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Vision;

/// <summary>
/// The DeepStack / CodeProject.AI <c>/v1/vision/detection</c> response: <c>success</c>, the
/// predictions, and on failure <c>error</c> (clients such as Blue Iris and Home Assistant read these keys).
/// </summary>
internal sealed record DeepStackResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("predictions")] IReadOnlyList<DeepStackPrediction> Predictions,
    [property: JsonPropertyName("error")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("inferenceMs")] long InferenceMs)
{
    public static DeepStackResponse Failure(string error, int code) => new(false, [], error, code, 0);
}
