namespace Vigil.SigV4;

/// <summary>
/// A received request, as raw as the server has it. Everything here is untrusted except
/// <see cref="PayloadHash"/>, which the server computes itself.
/// </summary>
/// <example>
/// From ASP.NET Core, using the raw request target so that the path is exactly what the client sent:
/// <code>
/// var target = httpContext.Features.Get&lt;IHttpRequestFeature&gt;()!.RawTarget;   // "/path?query"
/// var q = target.IndexOf('?');
/// var request = new SigV4VerificationRequest
/// {
///     Method = httpContext.Request.Method,
///     Path = q &lt; 0 ? target : target[..q],
///     QueryString = q &lt; 0 ? null : target[q..],
///     Headers = SigV4HeaderCollection.From(httpContext.Request.Headers),
///     Body = bodyBytes,
/// };
/// </code>
/// </example>
public sealed class SigV4VerificationRequest
{
    /// <summary>The HTTP method as received, e.g. <c>POST</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The path as received, still percent-encoded (not ASP.NET Core's decoded <c>Request.Path</c>).</summary>
    public required string Path { get; init; }

    /// <summary>The raw query, with or without the leading <c>?</c>; <see langword="null"/> or empty for none.</summary>
    public string? QueryString { get; init; }

    /// <summary>
    /// The request headers. <c>Host</c> must be the value the client sent; behind a TLS-terminating proxy
    /// replace it with the original host (e.g. from <c>X-Forwarded-Host</c>) before verifying. Values are hashed
    /// as UTF-8, as clients sign them: a server that lets non-ASCII header bytes through must decode them as
    /// UTF-8 (Kestrel's <c>RequestHeaderEncodingSelector</c>), not Latin-1.
    /// </summary>
    public required SigV4HeaderCollection Headers { get; init; }

    /// <summary>The body bytes; ignored when <see cref="PayloadHash"/> is set. Empty for WebSocket upgrades.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The hex SHA-256 of the body if the server hashed it while streaming; <see langword="null"/> to hash <see cref="Body"/>.</summary>
    public string? PayloadHash { get; init; }
}
