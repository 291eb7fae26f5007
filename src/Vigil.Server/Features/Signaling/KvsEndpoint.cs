using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Vigil.Server.Features.Credentials;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// The request pipeline of every KVS JSON API (control plane and signaling HTTPS): read the body, verify
/// SigV4 over it, bind the JSON case-insensitively, run the operation, and answer in AWS's restJson1 shape
/// with <c>x-amzn-RequestId</c> (and the <c>Date</c> header Kestrel adds, from which the KVS C SDK and the
/// AWS SDKs correct their clocks).
/// </summary>
/// <remarks>
/// These endpoints are the one exception to Vigil's problem+json rule: AWS clients parse errors from the
/// <c>x-amzn-ErrorType</c> header and a <c>Message</c> member, and would not understand problem details.
/// Unexpected exceptions are therefore answered here too (500 <c>InternalFailure</c>), logged with the request id.
/// They authenticate with SigV4 only; no cookie or bearer scheme applies to them.
/// </remarks>
internal static partial class KvsEndpoint
{
    /// <summary>KVS request bodies are small JSON documents; anything larger is refused before it is read whole.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const string RequestIdHeader = "x-amzn-RequestId";
    public const string ErrorTypeHeader = "x-amzn-ErrorType";

    public delegate Task<KvsResult> Operation<in TRequest>(TRequest request, CallerIdentity caller, CancellationToken cancellationToken);

    public static async Task HandleAsync<TRequest>(HttpContext context, JsonTypeInfo<TRequest> requestType, Operation<TRequest> operation)
        where TRequest : class
    {
        var cancellationToken = context.RequestAborted;
        var requestId = Guid.NewGuid().ToString();
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KvsEndpoint).FullName!);
        KvsResult result;
        try
        {
            result = await RunAsync(context, requestType, operation, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            Log.Failed(logger, e, context.Request.Path, requestId);
            result = KvsErrors.InternalFailure();
        }

        if (result.ErrorType is not null)
        {
            Log.Refused(logger, context.Request.Path, result.Status, result.ErrorType, requestId);
        }

        await WriteAsync(context, result, requestId, cancellationToken);
    }

    /// <summary>Writes <paramref name="result"/> as the response, AWS-style.</summary>
    public static async Task WriteAsync(HttpContext context, KvsResult result, string requestId, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = result.Status;
        response.ContentType = "application/json";
        response.Headers[RequestIdHeader] = requestId;
        if (result.ErrorType is { } errorType)
        {
            response.Headers[ErrorTypeHeader] = errorType;
        }

        response.ContentLength = result.Body.Length;
        await response.Body.WriteAsync(result.Body, cancellationToken);
    }

    private static async Task<KvsResult> RunAsync<TRequest>(HttpContext context, JsonTypeInfo<TRequest> requestType, Operation<TRequest> operation, CancellationToken cancellationToken)
        where TRequest : class
    {
        var body = await ReadBodyAsync(context.Request, cancellationToken);
        if (body is null)
        {
            return KvsErrors.InvalidArgument($"The request body is larger than {MaxBodyBytes} bytes.");
        }

        var authentication = await context.RequestServices.GetRequiredService<SigV4Authenticator>().AuthenticateAsync(context.Request, body, cancellationToken);
        if (!authentication.Succeeded)
        {
            var failure = authentication.Failure;
            return KvsResult.Error(failure.HttpStatusCode, failure.ErrorTypeName, failure.Message);
        }

        TRequest? request;
        try
        {
            // restJson1: an operation without input may be sent with an empty body.
            request = body.Length == 0 ? JsonSerializer.Deserialize("{}", requestType) : JsonSerializer.Deserialize(body, requestType);
        }
        catch (JsonException e)
        {
            return KvsErrors.InvalidArgument(e.Path is { Length: > 1 } path
                ? $"The request body is not valid for this operation at {path}."
                : "The request body is not a valid JSON object for this operation.");
        }

        if (request is null)
        {
            return KvsErrors.InvalidArgument("The request body must be a JSON object.");
        }

        return await operation(request, authentication.Principal!, cancellationToken);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Error, Message = "KVS request {Path} failed (request id {RequestId})")]
        public static partial void Failed(ILogger logger, Exception exception, string path, string requestId);

        [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "KVS request {Path} answered {Status} {ErrorType} (request id {RequestId})")]
        public static partial void Refused(ILogger logger, string path, int status, string errorType, string requestId);
    }
}
