using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Vision;

/// <summary>
/// <c>POST /v1/vision/detection</c>, compatible with DeepStack and CodeProject.AI, so Blue Iris,
/// Agent DVR and Home Assistant can use Vigil's detector. Form fields: <c>image</c> (the file),
/// optional <c>min_confidence</c> and <c>api_key</c>. Access: a loopback client is let in
/// without a key while <c>Vision:DetectionApiAllowLoopback</c> is true; anyone else must give
/// <c>Vision:DetectionApiKey</c> (form field or <c>Authorization: Bearer</c>); with no key set,
/// only loopback clients are served. Responses use DeepStack's envelope, not problem details,
/// because its clients read <c>success</c> and <c>error</c>.
/// </summary>
internal static class DeepStackEndpoints
{
    public const long MaxRequestBytes = 32L * 1024 * 1024;

    public static IEndpointRouteBuilder MapDeepStack(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/vision/detection", DetectAsync)
            .WithTags("Vision")
            .WithSummary("Object detection, DeepStack / CodeProject.AI compatible (multipart form with 'image').")
            .DisableAntiforgery();
        return app;
    }

    private static async Task<JsonHttpResult<DeepStackResponse>> DetectAsync(
        HttpContext context,
        ObjectDetector detector,
        IOptions<VisionOptions> options,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!request.HasFormContentType)
        {
            return Reply(DeepStackResponse.Failure("send a multipart/form-data request with the picture in the field 'image'", 400), 400);
        }

        var bodySize = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
        {
            bodySize.MaxRequestBodySize = MaxRequestBytes;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Reply(DeepStackResponse.Failure($"the form cannot be read: {e.Message}", 400), 400);
        }

        var access = Authorize(context, form, options.Value);
        if (access is { } refused)
        {
            return refused;
        }

        var file = form.Files.GetFile("image");
        if (file is null || file.Length == 0)
        {
            return Reply(DeepStackResponse.Failure("the form has no file in the field 'image'", 400), 400);
        }

        float? minConfidence = null;
        if (form.TryGetValue("min_confidence", out var text) && text.Count > 0)
        {
            if (!float.TryParse(text[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || value is < 0 or > 1 || float.IsNaN(value))
            {
                return Reply(DeepStackResponse.Failure("min_confidence must be a number from 0 to 1", 400), 400);
            }

            minConfidence = Math.Max(0.01f, value);
        }

        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }

        if (!ImageProbe.TryProbe(bytes, options.Value.MaxImagePixels, out _, out var problem))
        {
            return Reply(DeepStackResponse.Failure($"the image is refused: {problem}", 400), 400);
        }

        if (!await detector.EnsureLoadedAsync(cancellationToken))
        {
            return Reply(DeepStackResponse.Failure($"detection is unavailable: {detector.Problem}", 503), 503);
        }

        var outcome = detector.Detect(bytes, minConfidence);
        var predictions = outcome.Detections.Select(d => new DeepStackPrediction(
            d.CocoName,
            d.Confidence,
            (int)d.Y,
            (int)d.X,
            (int)(d.Y + d.Height),
            (int)(d.X + d.Width))).ToList();
        return Reply(new DeepStackResponse(true, predictions, null, 200, (long)outcome.Duration.TotalMilliseconds), 200);
    }

    private static JsonHttpResult<DeepStackResponse>? Authorize(HttpContext context, IFormCollection form, VisionOptions options)
    {
        var remote = context.Connection.RemoteIpAddress;
        var loopback = remote is not null && IPAddress.IsLoopback(remote);
        if (loopback && options.DetectionApiAllowLoopback)
        {
            return null;
        }

        if (options.DetectionApiKey is not { Length: > 0 } key)
        {
            return Reply(DeepStackResponse.Failure("the detection API serves only this machine; set Vision:DetectionApiKey to allow other clients", 403), 403);
        }

        var given = form.TryGetValue("api_key", out var field) && field.Count > 0 ? field[0]
            : context.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim()
            : null;
        if (given is null || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key))))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Reply(DeepStackResponse.Failure("a valid api_key is required", 401), 401);
        }

        return null;
    }

    private static JsonHttpResult<DeepStackResponse> Reply(DeepStackResponse response, int status) =>
        TypedResults.Json(response, VisionJsonContext.Default.DeepStackResponse, statusCode: status);
}
