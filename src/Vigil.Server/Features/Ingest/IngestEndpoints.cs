using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Hosting.ApiReference;

namespace Vigil.Server.Features.Ingest;

/// <summary>
/// The camera-facing HTTP endpoints. <c>POST /api/ingest/sendgrid/{secret}</c>: SendGrid Inbound
/// Parse compatible (multipart form; raw or parsed); the secret in the path proves the caller is
/// the configured relay, and each recipient must be a camera's private ingest address.
/// <c>POST /api/ingest/snapshot</c>: a camera uploads a picture (raw body or multipart) with its
/// upload token (<c>Authorization: Bearer</c>, or <c>?token=</c> for cameras that only take a URL).
/// Both answer 202 only once the message is on disk in the spool.
/// </summary>
internal static class IngestEndpoints
{
    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder app)
    {
        // Cameras and mail relays hold no user token: each endpoint authenticates its caller itself
        // (the path secret, or the camera's upload token), so the group opts out of user authorization.
        var ingest = app.MapGroup("/api/ingest").WithTags("Ingest").DisableAntiforgery().AllowAnonymous();
        ingest.MapPost("/sendgrid/{secret}", ReceiveWebhookAsync)
            .WithBinaryRequestBody("The message as SendGrid Inbound Parse posts it: raw (an 'email' field) or parsed (fields and attachments).", "multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage)
            .WithSummary("SendGrid Inbound Parse compatible webhook for camera e-mail.")
            .WithDescription("The path's secret proves the caller is the configured relay (a wrong one: 404). Each recipient must be a camera's "
                + "private ingest address (none: 404 unknown-camera). 202 once the message is on disk in the spool. 413 too-large "
                + "(Ingest:MaxMessageBytes), 422 no-picture, 429 rate-limited and 507 over-quota carry Retry-After.");
        ingest.MapPost("/snapshot", ReceiveUploadAsync)
            .WithBinaryRequestBody("The picture as the body (Content-Type image/jpeg, image/png, ...), or as the first file of a form.", "image/jpeg", "image/png", "multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage)
            .WithSummary("A camera uploads a picture (JPEG, PNG, ...) with its upload token.")
            .WithDescription("The camera's upload token as `Authorization: Bearer <token>`, or `?token=<token>` for cameras that only take a URL "
                + "(unknown: 401 unauthorized). 202 once the picture is on disk in the spool; the same errors as the webhook otherwise.");
        return app;
    }

    private static async Task<Results<Accepted<IngestAccepted>, ProblemHttpResult, NotFound>> ReceiveWebhookAsync(
        string secret,
        HttpContext context,
        IngestWebhookKey key,
        SnapshotCameraDirectory cameras,
        SnapshotIngestor ingestor,
        IngestRateLimiter limiter,
        IOptions<IngestOptions> options,
        CancellationToken cancellationToken)
    {
        if (!key.Matches(secret))
        {
            return TypedResults.NotFound();
        }

        if (LimitBody(context, options.Value) is { } tooLarge)
        {
            return tooLarge;
        }

        if (!await limiter.TryAcquireAddressAsync(context.Connection.RemoteIpAddress, context.RequestAborted))
        {
            return RateLimited(context);
        }

        if (!context.Request.HasFormContentType)
        {
            return Problem(400, IngestProblemTypes.BadRequest, "Not an inbound-parse post", "Send multipart/form-data as SendGrid Inbound Parse does.");
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(413, IngestProblemTypes.TooLarge, "Message too large", $"The limit is {options.Value.MaxMessageBytes} bytes (Ingest:MaxMessageBytes).");
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Problem(400, IngestProblemTypes.BadRequest, "Unreadable form", e.Message);
        }

        var identified = new List<CameraIdentity>();
        foreach (var recipient in SendGridMessageBuilder.Recipients(form).Take(options.Value.MaxRecipients))
        {
            if (await cameras.FindByIngestAddressAsync(recipient, cancellationToken) is { } camera && identified.All(c => c.Id != camera.Id))
            {
                identified.Add(camera);
            }
        }

        if (identified.Count == 0)
        {
            return Problem(404, IngestProblemTypes.UnknownCamera, "No camera", "No recipient is the private ingest address of a camera.");
        }

        foreach (var camera in identified)
        {
            if (!await limiter.TryAcquireCameraAsync(camera.Id, context.RequestAborted))
            {
                return RateLimited(context);
            }
        }

        var (message, problem) = await SendGridMessageBuilder.BuildAsync(form, cancellationToken);
        if (message is null)
        {
            return Problem(400, IngestProblemTypes.BadRequest, "Not an inbound-parse post", problem!);
        }

        var sender = form.TryGetValue("from", out var from) ? from.ToString() : null;
        return await AcceptAsync(ingestor, identified, message, SnapshotSource.Webhook, context, sender, cancellationToken);
    }

    private static async Task<Results<Accepted<IngestAccepted>, ProblemHttpResult, NotFound>> ReceiveUploadAsync(
        HttpContext context,
        SnapshotCameraDirectory cameras,
        SnapshotIngestor ingestor,
        IngestRateLimiter limiter,
        IOptions<IngestOptions> options,
        CancellationToken cancellationToken)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim()
            : context.Request.Query["token"].ToString();
        var camera = token is { Length: > 0 and <= 128 } ? await cameras.FindByUploadTokenAsync(token, cancellationToken) : null;
        if (camera is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem(401, IngestProblemTypes.Unauthorized, "Unknown upload token", "Give the camera's upload token as 'Authorization: Bearer <token>'.");
        }

        if (LimitBody(context, options.Value) is { } tooLarge)
        {
            return tooLarge;
        }

        if (!await limiter.TryAcquireAddressAsync(context.Connection.RemoteIpAddress, context.RequestAborted) || !await limiter.TryAcquireCameraAsync(camera.Id, context.RequestAborted))
        {
            return RateLimited(context);
        }

        byte[] picture;
        string fileName;
        string contentType;
        try
        {
            if (context.Request.HasFormContentType)
            {
                var form = await context.Request.ReadFormAsync(cancellationToken);
                if (form.Files.Count == 0)
                {
                    return Problem(422, IngestProblemTypes.NoPicture, "No picture", "The form has no file.");
                }

                var file = form.Files[0];
                fileName = string.IsNullOrWhiteSpace(file.FileName) ? "snapshot.jpg" : Path.GetFileName(file.FileName);
                contentType = file.ContentType ?? "application/octet-stream";
                using var buffer = new MemoryStream();
                await using (var stream = file.OpenReadStream())
                {
                    await stream.CopyToAsync(buffer, cancellationToken);
                }

                picture = buffer.ToArray();
            }
            else
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer, cancellationToken);
                picture = buffer.ToArray();
                contentType = context.Request.ContentType ?? "application/octet-stream";
                fileName = "snapshot" + (contentType.Contains("png", StringComparison.OrdinalIgnoreCase) ? ".png" : ".jpg");
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(413, IngestProblemTypes.TooLarge, "Picture too large", $"The limit is {options.Value.MaxMessageBytes} bytes (Ingest:MaxMessageBytes).");
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Problem(400, IngestProblemTypes.BadRequest, "Unreadable request", e.Message);
        }

        if (picture.Length == 0)
        {
            return Problem(422, IngestProblemTypes.NoPicture, "No picture", "The request body is empty.");
        }

        // The upload is stored as the same kind of MIME message an e-mailing camera sends, so
        // every source goes through one spool format and one processing path.
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(camera.Name, "upload@invalid"));
        message.Subject = "Snapshot upload";
        var builder = new BodyBuilder();
        builder.Attachments.Add(fileName, picture, ContentType.TryParse(contentType, out var parsed) ? parsed : new ContentType("application", "octet-stream"));
        message.Body = builder.ToMessageBody();
        using var output = new MemoryStream();
        await message.WriteToAsync(output, cancellationToken);
        return await AcceptAsync(ingestor, [camera], output.ToArray(), SnapshotSource.Upload, context, null, cancellationToken);
    }

    private static async Task<Results<Accepted<IngestAccepted>, ProblemHttpResult, NotFound>> AcceptAsync(
        SnapshotIngestor ingestor,
        IReadOnlyCollection<CameraIdentity> cameras,
        byte[] message,
        SnapshotSource source,
        HttpContext context,
        string? sender,
        CancellationToken cancellationToken)
    {
        var result = await ingestor.AcceptAsync(cameras, message, source, context.Connection.RemoteIpAddress?.ToString(), sender, cancellationToken);
        if (result.OverQuota)
        {
            context.Response.Headers.RetryAfter = "60";
            return Problem(507, IngestProblemTypes.OverQuota, "Storage quota exceeded", result.Problem!);
        }

        return result.Accepted
            ? TypedResults.Accepted((string?)null, new IngestAccepted(result.SpoolIds))
            : Problem(422, IngestProblemTypes.NoPicture, "No usable picture", result.Problem!);
    }

    private static ProblemHttpResult? LimitBody(HttpContext context, IngestOptions options)
    {
        // Multipart adds some overhead to the message itself.
        var limit = options.MaxMessageBytes + (64 * 1024);
        if (context.Request.ContentLength > limit)
        {
            return Problem(413, IngestProblemTypes.TooLarge, "Message too large", $"The limit is {options.MaxMessageBytes} bytes (Ingest:MaxMessageBytes).");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return null;
    }

    private static ProblemHttpResult RateLimited(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "60";
        return Problem(429, IngestProblemTypes.RateLimited, "Too many messages", "The camera or address sent more than its limit per minute; try again later.");
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: type);
}
