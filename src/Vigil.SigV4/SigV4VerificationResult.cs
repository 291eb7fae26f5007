using System.Diagnostics.CodeAnalysis;

namespace Vigil.SigV4;

/// <summary>The outcome of <see cref="SigV4Verifier{TPrincipal}.VerifyAsync"/>: the principal, or a typed failure.</summary>
/// <typeparam name="TPrincipal">What the credential resolver attached to the credential.</typeparam>
public sealed class SigV4VerificationResult<TPrincipal>
{
    internal SigV4VerificationResult(SigV4Failure failure)
    {
        Failure = failure;
    }

    internal SigV4VerificationResult(TPrincipal principal, string accessKeyId, string region, string service,
        DateTimeOffset signedAt, SigV4AuthenticationForm form, DateTimeOffset? expiresAt)
    {
        Succeeded = true;
        Principal = principal;
        AccessKeyId = accessKeyId;
        Region = region;
        Service = service;
        SignedAt = signedAt;
        Form = form;
        ExpiresAt = expiresAt;
    }

    /// <summary>Whether the signature verified.</summary>
    [MemberNotNullWhen(true, nameof(AccessKeyId), nameof(Region), nameof(Service))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded { get; }

    /// <summary>The resolver's principal on success.</summary>
    public TPrincipal? Principal { get; }

    /// <summary>Why the request was refused, when it was.</summary>
    public SigV4Failure? Failure { get; }

    /// <summary>The access key id that signed.</summary>
    public string? AccessKeyId { get; }

    /// <summary>The credential-scope region.</summary>
    public string? Region { get; }

    /// <summary>The credential-scope service.</summary>
    public string? Service { get; }

    /// <summary>The signing time (<c>X-Amz-Date</c> or <c>Date</c>).</summary>
    public DateTimeOffset SignedAt { get; }

    /// <summary>Header or presigned query form.</summary>
    public SigV4AuthenticationForm Form { get; }

    /// <summary>For a presigned URL, when it stops being accepted; <see langword="null"/> for the header form.</summary>
    public DateTimeOffset? ExpiresAt { get; }
}
