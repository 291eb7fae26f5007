using Microsoft.Extensions.Time.Testing;
using Vigil.SigV4.Tests.Support;

namespace Vigil.SigV4.Tests;

/// <summary>
/// The AWS Signature Version 4 test suite (Vectors/, see its README): each vector is signed and must give the
/// expected canonical request, string to sign and Authorization byte for byte, then the signed request must
/// verify.
/// </summary>
public sealed class AwsTestSuiteTests
{
    private const string AccessKeyId = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string SuiteToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    private static readonly DateTimeOffset SigningTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    /// <summary>Vectors whose path is already canonical: they hold in both URI modes.</summary>
    public static TheoryData<string> PlainVectors =>
    [
        "get-header-key-duplicate", "get-header-value-multiline", "get-header-value-order", "get-header-value-trim",
        "get-unreserved", "get-vanilla", "get-vanilla-empty-query-key", "get-vanilla-query", "get-vanilla-query-order-encoded",
        "get-vanilla-query-order-key", "get-vanilla-query-order-key-case", "get-vanilla-query-order-value",
        "get-vanilla-query-unreserved", "get-vanilla-utf8-query", "get-vanilla-with-session-token", "post-header-key-case",
        "post-header-key-sort", "post-header-value-case", "post-sts-header-after", "post-sts-header-before", "post-vanilla",
        "post-vanilla-empty-query-value", "post-vanilla-query", "post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters",
    ];

    /// <summary>Vectors that need path normalisation or encoding (the suite's normalize-path set, and get-utf8).</summary>
    public static TheoryData<string> NormalizingVectors =>
    [
        "get-relative", "get-relative-relative", "get-slash", "get-slash-dot-slash", "get-slash-pointless-dot", "get-slashes",
        "get-space", "get-special-character", "get-utf8",
    ];

    [Theory]
    [MemberData(nameof(PlainVectors))]
    public void Vector_signs_byte_exact_with_paths_as_sent(string vector) =>
        AssertSignsExactly(vector, SigV4CanonicalUriMode.AsSent);

    [Theory]
    [MemberData(nameof(PlainVectors))]
    [MemberData(nameof(NormalizingVectors))]
    public void Vector_signs_byte_exact_with_aws_sdk_path_normalisation(string vector) =>
        AssertSignsExactly(vector, SigV4CanonicalUriMode.NormalizeAndEncode);

    [Theory]
    [MemberData(nameof(PlainVectors))]
    public async Task Signed_vector_verifies_with_paths_as_sent(string vector) =>
        Assert.True((await VerifyAsync(vector, SigV4CanonicalUriMode.AsSent)).Succeeded);

    [Theory]
    [MemberData(nameof(PlainVectors))]
    [MemberData(nameof(NormalizingVectors))]
    public async Task Signed_vector_verifies_with_aws_sdk_path_normalisation(string vector)
    {
        var result = await VerifyAsync(vector, SigV4CanonicalUriMode.NormalizeAndEncode);
        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal("AKIDEXAMPLE/us-east-1", $"{result.AccessKeyId}/{result.Region}");
    }

    [Theory]
    [InlineData("get-slashes")]
    [InlineData("get-relative")]
    [InlineData("get-space")]
    [InlineData("get-special-character")]
    public async Task Normalize_path_vector_does_not_verify_when_paths_are_taken_as_sent(string vector)
    {
        // Documents the default: KVS clients sign the path verbatim, so "//example//" is not "/example/".
        var result = await VerifyAsync(vector, SigV4CanonicalUriMode.AsSent);
        Assert.False(result.Succeeded);
        Assert.Equal(SigV4FailureReason.SignatureMismatch, result.Failure.Reason);
    }

    private static void AssertSignsExactly(string vector, SigV4CanonicalUriMode mode)
    {
        var request = VectorRequest.Load(vector);
        var (signedToken, _) = TokensOf(vector, request);
        var signer = new SigV4Signer(new SigV4SignerOptions { CanonicalUriMode = mode });

        var signature = signer.Sign(request.ToSigningRequest(), new SigV4Credentials(AccessKeyId, Secret, signedToken),
            "us-east-1", "service", SigningTime);

        Assert.Equal(VectorRequest.ReadFile(vector, ".creq"), signature.CanonicalRequest);
        Assert.Equal(VectorRequest.ReadFile(vector, ".sts"), signature.StringToSign);
        Assert.Equal(VectorRequest.ReadFile(vector, ".authz"), signature.Authorization);
    }

    private static async Task<SigV4VerificationResult<string>> VerifyAsync(string vector, SigV4CanonicalUriMode mode)
    {
        var request = VectorRequest.Load(vector);
        var (signedToken, unsignedToken) = TokensOf(vector, request);
        var headers = request.Headers.Clone();
        headers.Add("Authorization", VectorRequest.ReadFile(vector, ".authz"));
        if (signedToken is not null && !headers.Contains("X-Amz-Security-Token"))
        {
            headers.Add("X-Amz-Security-Token", signedToken);
        }

        if (unsignedToken is not null)
        {
            headers.Add("X-Amz-Security-Token", unsignedToken);
        }

        var clock = new FakeTimeProvider(SigningTime.AddMinutes(2));
        var resolver = new InMemoryCredentialResolver(clock)
            .Add(new SigV4Credentials(AccessKeyId, Secret, signedToken ?? unsignedToken), "example");
        var options = new SigV4VerifierOptions { CanonicalUriMode = mode };
        options.AllowedServices.Add("service");
        var verifier = new SigV4Verifier<string>(resolver, clock, options);
        return await verifier.VerifyAsync(request.ToVerificationRequest(headers), TestContext.Current.CancellationToken);
    }

    /// <summary>The token signed into the vector, and the token added after signing (post-sts-header-after).</summary>
    private static (string? Signed, string? Unsigned) TokensOf(string vector, VectorRequest request) => vector switch
    {
        // The token appears only in the .creq of this vector: the signer adds the header.
        "get-vanilla-with-session-token" => ("6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267", null),
        "post-sts-header-after" => (null, SuiteToken),
        _ => (request.Headers.TryGetValues("X-Amz-Security-Token", out var values) ? values[0] : null, null),
    };
}
