using Vigil.SigV4.Canonical;

namespace Vigil.SigV4.Parsing;

/// <summary>
/// The three components of <c>Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…</c>
/// (AWS SigV4 documentation, "Add the signature to the HTTP request").
/// </summary>
/// <remarks>
/// Parsing is tolerant where clients differ and strict where ambiguity would matter: components may come in
/// any order, separated by a comma with or without spaces or tabs, and unknown components are ignored;
/// a repeated component, a component without <c>=</c>, or a missing one is refused.
/// </remarks>
internal readonly record struct AuthorizationHeader(string Credential, string SignedHeaders, string Signature)
{
    /// <summary>Bound on the header: real ones are a few hundred characters; this keeps hostile input cheap.</summary>
    public const int MaxLength = 8192;

    private static ReadOnlySpan<char> Blanks => " \t";

    public static bool TryParse(ReadOnlySpan<char> value, out AuthorizationHeader header, out SigV4Failure? failure)
    {
        header = default;
        value = value.Trim(Blanks);
        if (value.Length > MaxLength)
        {
            failure = new SigV4Failure(SigV4FailureReason.MalformedAuthorization, "The Authorization header is too long.");
            return false;
        }

        var blank = value.IndexOfAny(Blanks);
        var algorithm = blank < 0 ? value : value[..blank];
        if (!algorithm.SequenceEqual(SignatureMath.Algorithm))
        {
            failure = new SigV4Failure(SigV4FailureReason.UnsupportedAlgorithm,
                "Unsupported Authorization algorithm: only AWS4-HMAC-SHA256 is accepted.");
            return false;
        }

        string? credential = null, signedHeaders = null, signature = null;
        var components = blank < 0 ? [] : value[(blank + 1)..];
        foreach (var range in components.Split(','))
        {
            var component = components[range].Trim(Blanks);
            if (component.IsEmpty)
            {
                continue;
            }

            var equals = component.IndexOf('=');
            if (equals <= 0)
            {
                failure = new SigV4Failure(SigV4FailureReason.MalformedAuthorization,
                    "Authorization header components must have the form name=value.");
                return false;
            }

            var name = component[..equals];
            var text = component[(equals + 1)..];
            var duplicate = name switch
            {
                "Credential" => !TrySet(ref credential, text),
                "SignedHeaders" => !TrySet(ref signedHeaders, text),
                "Signature" => !TrySet(ref signature, text),
                _ => false, // an unknown component: ignored, as AWS does
            };
            if (duplicate)
            {
                failure = new SigV4Failure(SigV4FailureReason.MalformedAuthorization,
                    "Authorization header components Credential, SignedHeaders and Signature may appear only once.");
                return false;
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            failure = new SigV4Failure(SigV4FailureReason.MalformedAuthorization, string.Concat(
                credential is null ? "Authorization header requires 'Credential' parameter. " : string.Empty,
                signature is null ? "Authorization header requires 'Signature' parameter. " : string.Empty,
                signedHeaders is null ? "Authorization header requires 'SignedHeaders' parameter. " : string.Empty).TrimEnd());
            return false;
        }

        header = new AuthorizationHeader(credential, signedHeaders, signature);
        failure = null;
        return true;
    }

    private static bool TrySet(ref string? slot, ReadOnlySpan<char> value)
    {
        if (slot is not null)
        {
            return false;
        }

        slot = value.ToString();
        return true;
    }
}
