using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;
using Vigil.SigV4;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// SigV4 request authentication for ASP.NET Core endpoints (header form for JSON POSTs, presigned query
/// form for WebSocket upgrades): verifies the signature over the request exactly as received (raw target,
/// headers as sent, body bytes) and returns the <see cref="CallerIdentity"/> or the typed failure to answer
/// with. Credential scopes must name the service <c>kinesisvideo</c> and the region <c>Aws:Region</c>.
/// </summary>
/// <remarks>
/// Not an ASP.NET Core authentication scheme on purpose: the endpoints that use it answer AWS-style errors
/// (<c>x-amzn-ErrorType</c>), need the body bytes for the payload hash, and must never fall back to cookies.
/// The <c>Host</c> header is used as received; a reverse proxy in front must pass it through unchanged.
/// </remarks>
internal sealed partial class SigV4Authenticator
{
    public const string Service = "kinesisvideo";

    private readonly SigV4Verifier<CallerIdentity> _verifier;
    private readonly ILogger<SigV4Authenticator> _logger;

    public SigV4Authenticator(CredentialResolver resolver, TimeProvider time, IOptions<AwsOptions> aws, ILogger<SigV4Authenticator> logger)
    {
        var options = new SigV4VerifierOptions();
        options.AllowedRegions.Add(aws.Value.Region);
        _verifier = new SigV4Verifier<CallerIdentity>(resolver, time, options);
        _logger = logger;
    }

    public async ValueTask<SigV4VerificationResult<CallerIdentity>> AuthenticateAsync(HttpRequest request, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var (path, query) = RawPathAndQuery(request);
        var result = await _verifier.VerifyAsync(new SigV4VerificationRequest
        {
            Method = SignedMethod(request),
            Path = path,
            QueryString = query,
            Headers = SigV4HeaderCollection.From(request.Headers),
            Body = body,
        }, cancellationToken);
        if (!result.Succeeded)
        {
            // The reason and the path only: the canonical request of a presigned URL contains the session token.
            Log.Refused(_logger, request.Method, request.Path, result.Failure.Reason, request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        }

        return result;
    }

    /// <summary>
    /// The method the client signed. A WebSocket over HTTP/2 arrives as an extended CONNECT (RFC 8441 §4) with
    /// <c>:protocol websocket</c>, the same request as HTTP/1.1's GET with Upgrade: a presigned signaling URL is
    /// signed for GET (the KVS SDKs presign it before they know how the browser will carry it), and only the
    /// method differs, so the signature is checked against GET. Any other CONNECT is checked as CONNECT.
    /// </summary>
    private static string SignedMethod(HttpRequest request) =>
        request.HttpContext.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true, Protocol: var protocol }
            && HttpMethods.IsConnect(request.Method)
            && string.Equals(protocol, "websocket", StringComparison.OrdinalIgnoreCase)
            ? HttpMethods.Get
            : request.Method;

    /// <summary>The path and query exactly as the client sent them (what it signed), not ASP.NET Core's decoded path.</summary>
    private static (string Path, string? Query) RawPathAndQuery(HttpRequest request)
    {
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            return ((request.PathBase + request.Path).ToUriComponent(), request.QueryString.HasValue ? request.QueryString.Value : null);
        }

        if (!target.StartsWith('/') && Uri.TryCreate(target, UriKind.Absolute, out var absolute))
        {
            // absolute-form (RFC 9112 §3.2.2), as sent to proxies
            target = absolute.PathAndQuery;
        }

        var q = target.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (target, null) : (target[..q], target[q..]);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "SigV4 refused {Method} {Path}: {Reason} (from {RemoteAddress})")]
        public static partial void Refused(ILogger logger, string method, string path, SigV4FailureReason reason, string remoteAddress);
    }
}
