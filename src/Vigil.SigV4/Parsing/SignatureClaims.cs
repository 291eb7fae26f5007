using Vigil.SigV4.Canonical;

namespace Vigil.SigV4.Parsing;

/// <summary>What a request claims about its signature, once parsed and syntactically checked.</summary>
internal sealed class SignatureClaims
{
    public required SigV4AuthenticationForm Form { get; init; }

    public required CredentialScope Credential { get; init; }

    public required SignedHeaderList SignedHeaders { get; init; }

    /// <summary>The 32 signature bytes the client sent.</summary>
    public required byte[] Signature { get; init; }

    /// <summary>The timestamp line of the string to sign (ISO 8601 basic, 16 characters).</summary>
    public required string AmzDate { get; init; }

    public required DateTimeOffset SignedAt { get; init; }

    /// <summary>Header form: the header that carried the time (<c>x-amz-date</c> or <c>date</c>); it must be signed.</summary>
    public string? DateHeader { get; init; }

    /// <summary>Presigned form: <c>X-Amz-Expires</c> in seconds (not yet capped).</summary>
    public long? ExpiresSeconds { get; init; }

    public string? SessionToken { get; init; }

    /// <summary>All query parameters, sorted canonically (the presigned form still includes X-Amz-Signature).</summary>
    public required List<QueryParameter> SortedQuery { get; init; }
}
