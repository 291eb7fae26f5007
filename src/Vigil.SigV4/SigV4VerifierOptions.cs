namespace Vigil.SigV4;

/// <summary>Settings of a <see cref="SigV4Verifier{TPrincipal}"/>; read once when the verifier is created.</summary>
public sealed class SigV4VerifierOptions
{
    /// <summary>
    /// Credential-scope services accepted, compared exactly. Default: <c>kinesisvideo</c>, the signing name of
    /// both the KVS control plane and the signaling HTTPS/WSS APIs. Must not be empty.
    /// </summary>
    public ISet<string> AllowedServices { get; } = new HashSet<string>(StringComparer.Ordinal) { "kinesisvideo" };

    /// <summary>
    /// Credential-scope regions accepted, compared exactly. Empty (the default) accepts any syntactically valid
    /// region: a self-hosted Vigil has no region of its own and clients are configured with whatever name
    /// the installer chose.
    /// </summary>
    public ISet<string> AllowedRegions { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// How far a request's time may lie from the server clock. Default 5 minutes, as AWS. Header form:
    /// older → "Signature expired", newer → "Signature not yet current". Presigned form: only the
    /// future side applies here; the past is bounded by <c>X-Amz-Expires</c>.
    /// </summary>
    public TimeSpan AllowedClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest lifetime honoured for a presigned URL. Default and maximum 604800 seconds (7 days, the AWS
    /// limit). A larger <c>X-Amz-Expires</c> is capped to this value rather than refused: the value is signed,
    /// so capping cannot be abused, and the KVS C SDK clamps to the same bound on its side.
    /// </summary>
    public TimeSpan MaxPresignedExpiry { get; set; } = TimeSpan.FromSeconds(604_800);

    /// <summary>How the received path becomes the canonical URI. Default <see cref="SigV4CanonicalUriMode.AsSent"/> (KVS SDKs).</summary>
    public SigV4CanonicalUriMode CanonicalUriMode { get; set; } = SigV4CanonicalUriMode.AsSent;

    /// <summary>Derived signing keys kept per (secret, date, region, service); 0 turns the cache off. Default 1024.</summary>
    public int SigningKeyCacheSize { get; set; } = 1024;
}
