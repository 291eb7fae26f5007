using Vigil.SigV4.Canonical;

namespace Vigil.SigV4;

/// <summary>
/// An <see cref="HttpClient"/> handler that signs every outgoing request in the SigV4 header form.
/// </summary>
/// <remarks>
/// <para>Signed headers: <c>host</c>, <c>content-type</c> when there is content, and every <c>x-amz-*</c>
/// header on the request. Other headers (<c>user-agent</c>, <c>content-length</c>, tracing headers) are left
/// unsigned because proxies and the HTTP stack may change them after signing.</para>
/// <para>The body is buffered to hash it (KVS request bodies are small JSON documents). The handler drops any
/// <c>Authorization</c>, <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> and <c>X-Amz-Content-Sha256</c>
/// already on the request, so a retry handler placed outside it gets a fresh signature each time.</para>
/// <para>Only <see cref="HttpClient.SendAsync(HttpRequestMessage, CancellationToken)"/> is supported: the
/// credentials source is asynchronous, so the synchronous <c>Send</c> throws <see cref="NotSupportedException"/>
/// rather than send an unsigned request.</para>
/// </remarks>
/// <example>
/// <code>
/// var handler = new SigV4SigningHandler(credentials, "us-west-2", "kinesisvideo", TimeProvider.System)
/// {
///     InnerHandler = new SocketsHttpHandler(),
/// };
/// using var http = new HttpClient(handler) { BaseAddress = new Uri("https://vigil.example") };
/// using var response = await http.PostAsJsonAsync("/describeSignalingChannel", new { ChannelName = "camera-0001" }, ct);
/// </code>
/// </example>
public sealed class SigV4SigningHandler : DelegatingHandler
{
    private static readonly string[] ManagedHeaders = ["Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"];

    private readonly Func<CancellationToken, ValueTask<SigV4Credentials>> _credentials;
    private readonly string _region;
    private readonly string _service;
    private readonly TimeProvider _time;
    private readonly SigV4Signer _signer;

    /// <summary>Signs with fixed credentials.</summary>
    public SigV4SigningHandler(SigV4Credentials credentials, string region, string service, TimeProvider timeProvider, SigV4SignerOptions? options = null)
        : this(FixedCredentials(credentials), region, service, timeProvider, options)
    {
    }

    /// <summary>
    /// Signs with credentials fetched per request from <paramref name="credentials"/>, e.g. temporary
    /// credentials that a camera agent renews from the credentials provider before they expire.
    /// </summary>
    public SigV4SigningHandler(Func<CancellationToken, ValueTask<SigV4Credentials>> credentials, string region, string service,
        TimeProvider timeProvider, SigV4SignerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!SigV4Names.IsScopeName(region) || !SigV4Names.IsScopeName(service))
        {
            throw new ArgumentException("Region and service are 1 to 64 lowercase letters, digits or '-'.");
        }

        _credentials = credentials;
        _region = region;
        _service = service;
        _time = timeProvider;
        _signer = new SigV4Signer(options ?? new SigV4SignerOptions());
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw new InvalidOperationException("The request needs an absolute URI to be signed.");
        }

        foreach (var name in ManagedHeaders)
        {
            request.Headers.Remove(name);
        }

        var headers = new SigV4HeaderCollection { { SigV4Names.HostHeader, request.Headers.Host ?? SigV4Signer.Authority(uri) } };
        foreach (var (name, values) in request.Headers)
        {
            if (name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(name, values);
            }
        }

        var body = ReadOnlyMemory<byte>.Empty;
        if (request.Content is { } content)
        {
            if (content.Headers.TryGetValues("Content-Type", out var contentType))
            {
                headers.Add("content-type", contentType);
            }

            // Buffers the content: HttpClient then sends the same bytes that were hashed.
            body = await content.ReadAsByteArrayAsync(cancellationToken);
        }

        var credentials = await _credentials(cancellationToken);
        var signature = _signer.Sign(new SigV4SigningRequest
        {
            Method = request.Method.Method,
            Path = uri.AbsolutePath,
            QueryString = uri.Query,
            Headers = headers,
            Body = body,
        }, credentials, _region, _service, _time.GetUtcNow());

        request.Headers.TryAddWithoutValidation("X-Amz-Date", signature.AmzDate);
        if (signature.SecurityToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        if (signature.ContentSha256 is { } contentSha256)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Content-Sha256", contentSha256);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("SigV4SigningHandler signs asynchronously; use HttpClient.SendAsync.");

    private static Func<CancellationToken, ValueTask<SigV4Credentials>> FixedCredentials(SigV4Credentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return _ => ValueTask.FromResult(credentials);
    }
}
