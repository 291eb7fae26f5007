namespace Vigil.SigV4;

/// <summary>An HTTP request to sign in the header form: every header in <see cref="Headers"/> is signed.</summary>
public sealed class SigV4SigningRequest
{
    /// <summary>The HTTP method, e.g. <c>POST</c>; used as given.</summary>
    public required string Method { get; init; }

    /// <summary>The path as it will be sent (percent-encoded), e.g. <c>/describeSignalingChannel</c>. Default <c>/</c>.</summary>
    public string Path { get; init; } = "/";

    /// <summary>The query as it will be sent, with or without the leading <c>?</c>; <see langword="null"/> for none.</summary>
    public string? QueryString { get; init; }

    /// <summary>
    /// Headers to sign; must contain <c>Host</c> exactly as it will be sent (with <c>:port</c> only when not
    /// the scheme's default). The signer adds <c>x-amz-date</c>, and <c>x-amz-security-token</c> /
    /// <c>x-amz-content-sha256</c> as configured; it never signs <c>Authorization</c>.
    /// </summary>
    public required SigV4HeaderCollection Headers { get; init; }

    /// <summary>The body; ignored when <see cref="PayloadHash"/> is set.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Hex SHA-256 of the body when the caller computed it (e.g. streaming); <see langword="null"/> to hash <see cref="Body"/>.</summary>
    public string? PayloadHash { get; init; }
}
