namespace Vigil.SigV4;

/// <summary>Settings of a <see cref="SigV4Signer"/>; read once when the signer is created.</summary>
public sealed class SigV4SignerOptions
{
    /// <summary>How the request path becomes the canonical URI. Default <see cref="SigV4CanonicalUriMode.AsSent"/>.</summary>
    public SigV4CanonicalUriMode CanonicalUriMode { get; set; } = SigV4CanonicalUriMode.AsSent;

    /// <summary>
    /// Whether <c>x-amz-security-token</c> is part of SignedHeaders in the header form. Default
    /// <see langword="true"/> (AWS SDKs). <see langword="false"/> sends it unsigned, as the KVS C SDK does;
    /// Vigil's verifier accepts both. The presigned form always signs <c>X-Amz-Security-Token</c> (KVS requires it).
    /// </summary>
    public bool SignSessionToken { get; set; } = true;

    /// <summary>Whether the header form also sends and signs <c>x-amz-content-sha256</c>. Default <see langword="false"/>.</summary>
    public bool AddContentSha256Header { get; set; }

    /// <summary>Where presigned URLs put <c>X-Amz-Signature</c>. Default <see cref="SigV4SignaturePlacement.Sorted"/> (KVS JS SDK layout).</summary>
    public SigV4SignaturePlacement PresignedSignaturePlacement { get; set; } = SigV4SignaturePlacement.Sorted;

    /// <summary>Derived signing keys kept per (secret, date, region, service); 0 turns the cache off. Default 16.</summary>
    public int SigningKeyCacheSize { get; set; } = 16;
}
