using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Vigil.Server.Features.Vision;

/// <summary>
/// <c>POST /v1/vision/detection</c>, compatible with DeepStack and CodeProject.AI, so Blue Iris,
/// Agent DVR and Home Assistant can use Vigil's detector. Form fields: <c>image</c> (the file),
/// optional <c>min_confidence</c> and <c>api_key</c>. Access: a loopback client is let in
/// without a key while <c>Vision:DetectionApiAllowLoopback</c> is true, unless the request was
/// forwarded by a proxy (<c>Forwarded</c>, <c>X-Forwarded-For</c>, <c>X-Real-IP</c>); anyone else must
/// give <c>Vision:DetectionApiKey</c> (<c>Authorization: Bearer</c>, query or form field <c>api_key</c>);
/// with no key set, only loopback clients are served. The size and a key given in the headers are
/// checked before the body is read, a form key before the picture when it comes first; detection
/// runs at most <c>Vision:DetectionApiConcurrency</c> requests at a time (503 + Retry-After beyond). Responses use DeepStack's envelope, not problem details,
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
            .DisableAntiforgery()
            .AllowAnonymous(); // checks its own key (or loopback trust) in DetectAsync
        return app;
    }

    private static async Task<JsonHttpResult<DeepStackResponse>> DetectAsync(
        HttpContext context,
        ObjectDetector detector,
        DetectionApiLimiter limiter,
        IOptions<VisionOptions> options,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var settings = options.Value;
        if (!request.HasFormContentType || !MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return Reply(DeepStackResponse.Failure("send a multipart/form-data request with the picture in the field 'image'", 400), 400);
        }

        // Nothing of the body is read before the size and, where the request carries it, the key are checked.
        if (request.ContentLength > MaxRequestBytes)
        {
            return Reply(DeepStackResponse.Failure($"the request is larger than {MaxRequestBytes / (1024 * 1024)} MiB", 413), 413);
        }

        var bodySize = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
        {
            bodySize.MaxRequestBodySize = MaxRequestBytes;
        }

        var access = Authorize(context, settings);
        if (access.Refusal is { } refused)
        {
            return refused;
        }

        using var slot = new DetectionApiLimiter.Slot(limiter);
        if (access.Authorized && !slot.TryEnter())
        {
            return Busy(context);
        }

        byte[]? bytes = null;
        string? minConfidenceText = null;
        string? formKey = null;
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { } name)
                {
                    continue;
                }

                if (name == "image" && bytes is null)
                {
                    using var buffer = new MemoryStream();
                    await section.Body.CopyToAsync(buffer, cancellationToken);
                    bytes = buffer.ToArray();
                }
                else if (name is "api_key" or "min_confidence")
                {
                    var value = await ReadFieldAsync(section.Body, cancellationToken);
                    if (name == "min_confidence")
                    {
                        minConfidenceText = value;
                    }
                    else
                    {
                        formKey = value;
                        if (!access.Authorized)
                        {
                            // The key came before the picture (as DeepStack's clients send it): refused before the picture is read.
                            if (CheckKey(context, value, settings) is { } wrongKey)
                            {
                                return wrongKey;
                            }

                            access = Access.Allowed;
                            if (!slot.TryEnter())
                            {
                                return Busy(context);
                            }
                        }
                    }
                }
                else
                {
                    await section.Body.DrainAsync(cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return e is BadHttpRequestException { StatusCode: 413 }
                ? Reply(DeepStackResponse.Failure($"the request is larger than {MaxRequestBytes / (1024 * 1024)} MiB", 413), 413)
                : Reply(DeepStackResponse.Failure($"the form cannot be read: {e.Message}", 400), 400);
        }

        if (!access.Authorized)
        {
            if (CheckKey(context, formKey, settings) is { } wrongKey)
            {
                return wrongKey;
            }

            if (!slot.TryEnter())
            {
                return Busy(context);
            }
        }

        if (bytes is not { Length: > 0 })
        {
            return Reply(DeepStackResponse.Failure("the form has no file in the field 'image'", 400), 400);
        }

        float? minConfidence = null;
        if (minConfidenceText is not null)
        {
            if (!float.TryParse(minConfidenceText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || value is < 0 or > 1 || float.IsNaN(value))
            {
                return Reply(DeepStackResponse.Failure("min_confidence must be a number from 0 to 1", 400), 400);
            }

            minConfidence = Math.Max(0.01f, value);
        }

        if (!ImageProbe.TryProbe(bytes, settings.MaxImagePixels, out _, out var problem))
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

    private readonly record struct Access(bool Authorized, JsonHttpResult<DeepStackResponse>? Refusal)
    {
        public static readonly Access Allowed = new(true, null);

        /// <summary>Not decided before the form is read: the key may be a form field.</summary>
        public static readonly Access KeyInForm = new(false, null);
    }

    /// <summary>What the request's address and headers decide, before any of the body is read.</summary>
    private static Access Authorize(HttpContext context, VisionOptions options)
    {
        var remote = context.Connection.RemoteIpAddress;
        var headers = context.Request.Headers;

        // A request a reverse proxy forwarded comes from the proxy's address, often 127.0.0.1: it
        // was not made by a program on this machine, whatever the setting says.
        var forwarded = headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("X-Real-IP");
        if (remote is not null && IPAddress.IsLoopback(remote) && options.DetectionApiAllowLoopback && !forwarded)
        {
            return Access.Allowed;
        }

        if (options.DetectionApiKey is not { Length: > 0 })
        {
            return new(false, Reply(DeepStackResponse.Failure("the detection API serves only this machine; set Vision:DetectionApiKey to allow other clients", 403), 403));
        }

        var header = headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim()
            : context.Request.Query.TryGetValue("api_key", out var query) && query.Count > 0 ? query[0]
            : null;
        return given is null ? Access.KeyInForm : CheckKey(context, given, options) is { } wrong ? new(false, wrong) : Access.Allowed;
    }

    private static JsonHttpResult<DeepStackResponse>? CheckKey(HttpContext context, string? given, VisionOptions options)
    {
        var key = options.DetectionApiKey ?? "";
        if (given is null || key.Length == 0 || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key))))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Reply(DeepStackResponse.Failure("a valid api_key is required", 401), 401);
        }

        return null;
    }

    private static JsonHttpResult<DeepStackResponse> Busy(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return Reply(DeepStackResponse.Failure("detection is busy (Vision:DetectionApiConcurrency requests at a time); retry shortly", 503), 503);
    }

    /// <summary>A text field (min_confidence, api_key): at most 1 KiB.</summary>
    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[1025];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return length > 1024 ? throw new InvalidDataException("a form field is longer than 1 KiB") : Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }

    private static JsonHttpResult<DeepStackResponse> Reply(DeepStackResponse response, int status) =>
        TypedResults.Json(response, VisionJsonContext.Default.DeepStackResponse, statusCode: status);
}
