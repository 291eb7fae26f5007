using Microsoft.Extensions.Time.Testing;
using Vigil.SigV4.Tests.Support;

namespace Vigil.SigV4.Tests;

/// <summary>
/// The vectors of shared/specs/aws-wire.md §3.2 and §3.3: the KVS C SDK DescribeSignalingChannel example,
/// the KVS WebRTC JS SDK's SigV4RequestSigner unit-test URLs (SigV4RequestSigner.spec.ts), and the own viewer
/// example.
/// </summary>
public sealed class KvsVectorTests
{
    private const string CSdkVector = "kvs-c-sdk-describe-signaling-channel";

    // JS SDK unit-test inputs (SigV4RequestSigner.spec.ts).
    private const string JsAccessKeyId = "AKIA4F7WJQR7FMMWMNXI";
    private const string JsSecret = "FakeSecretKey";
    private const string JsToken = "FakeSessionToken";
    private static readonly DateTimeOffset JsDate = new(2019, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly KeyValuePair<string, string>[] JsParameters = [new("X-Amz-TestParam", "test-param-value")];

    private const string JsUrlWithToken =
        "wss://kvs.awsamazon.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA4F7WJQR7FMMWMNXI%2F20191201%2Fus-west-2%2Fkinesisvideo%2Faws4_request&X-Amz-Date=20191201T000000Z&X-Amz-Expires=299&X-Amz-Security-Token=FakeSessionToken&X-Amz-Signature=fc268038be276315822b4f73eafd28ee3a5632a2a35fdb0a88db9a42b13d6c92&X-Amz-SignedHeaders=host&X-Amz-TestParam=test-param-value";

    private const string JsUrlWithoutToken =
        "wss://kvs.awsamazon.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA4F7WJQR7FMMWMNXI%2F20191201%2Fus-west-2%2Fkinesisvideo%2Faws4_request&X-Amz-Date=20191201T000000Z&X-Amz-Expires=299&X-Amz-Signature=be1e78950d956a8a9a1997417099ddbd7455619f3d08c4ad20e1e272179ca695&X-Amz-SignedHeaders=host&X-Amz-TestParam=test-param-value";

    private const string JsUrlWithPath =
        "wss://kvs.awsamazon.com/path/path/path?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA4F7WJQR7FMMWMNXI%2F20191201%2Fus-west-2%2Fkinesisvideo%2Faws4_request&X-Amz-Date=20191201T000000Z&X-Amz-Expires=299&X-Amz-Security-Token=FakeSessionToken&X-Amz-Signature=0bf3df6ca23d8d82f688e8dbfb90d69e74843d40038541b1721c545eef7612a4&X-Amz-SignedHeaders=host&X-Amz-TestParam=test-param-value";

    private const string JsUrlFirehose =
        "wss://kvs.awsamazon.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA4F7WJQR7FMMWMNXI%2F20191201%2Fus-west-2%2Ffirehose%2Faws4_request&X-Amz-Date=20191201T000000Z&X-Amz-Expires=299&X-Amz-Security-Token=FakeSessionToken&X-Amz-Signature=f15308513d21a381d38b7607a0439f25fc2e6c9f5ff56a48c1664b486e6234d5&X-Amz-SignedHeaders=host&X-Amz-TestParam=test-param-value";

    [Fact]
    public void C_sdk_describe_signaling_channel_example_signs_byte_exact()
    {
        var request = VectorRequest.Load(CSdkVector);

        var signature = new SigV4Signer().Sign(request.ToSigningRequest(),
            new SigV4Credentials("AKIAEXAMPLEKEY000001", "ExampleSecretKey"), "us-west-2", "kinesisvideo", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(33, request.Body.Length);
        Assert.Equal(VectorRequest.ReadFile(CSdkVector, ".creq"), signature.CanonicalRequest);
        Assert.EndsWith("\nd61aa043f291607b3ff413039d28fea84cde3ec4e367a2115960ced3d577cb74", signature.StringToSign, StringComparison.Ordinal);
        Assert.Equal(VectorRequest.ReadFile(CSdkVector, ".sts"), signature.StringToSign);
        Assert.Equal("fc6b868cc394bde2e2d8ec815ac2ac76bd4c426cbd37545a2f24e63bc11c0e5f", signature.Signature);
        Assert.Equal(VectorRequest.ReadFile(CSdkVector, ".authz"), signature.Authorization);
    }

    [Fact]
    public async Task C_sdk_describe_signaling_channel_example_verifies_with_its_unsigned_headers()
    {
        var request = VectorRequest.Load(CSdkVector);
        var headers = request.Headers.Clone();
        headers.Add("Authorization", VectorRequest.ReadFile(CSdkVector, ".authz"));
        headers.Add("content-type", "application/json");   // the C SDK sends these without signing them
        headers.Add("content-length", "33");
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 30, TimeSpan.Zero));
        var resolver = new InMemoryCredentialResolver(clock).Add(new SigV4Credentials("AKIAEXAMPLEKEY000001", "ExampleSecretKey"), "camera-0001");

        var result = await new SigV4Verifier<string>(resolver, clock).VerifyAsync(request.ToVerificationRequest(headers), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal("camera-0001", result.Principal);
        Assert.Equal(SigV4AuthenticationForm.Header, result.Form);
        Assert.Equal(("us-west-2", "kinesisvideo"), (result.Region, result.Service));
    }

    [Theory]
    [InlineData("wss://kvs.awsamazon.com", true, "kinesisvideo", JsUrlWithToken)]
    [InlineData("wss://kvs.awsamazon.com", false, "kinesisvideo", JsUrlWithoutToken)]
    [InlineData("wss://kvs.awsamazon.com/path/path/path", true, "kinesisvideo", JsUrlWithPath)]
    [InlineData("wss://kvs.awsamazon.com", true, "firehose", JsUrlFirehose)]
    public void Presigned_url_matches_the_js_sdk_unit_test_byte_exact(string endpoint, bool withToken, string service, string expectedUrl)
    {
        var credentials = new SigV4Credentials(JsAccessKeyId, JsSecret, withToken ? JsToken : null);

        var presigned = new SigV4Signer().Presign(new Uri(endpoint), JsParameters, credentials, "us-west-2", service, JsDate, TimeSpan.FromSeconds(299));

        Assert.Equal(expectedUrl, presigned.Url);
        Assert.Equal(JsDate.AddSeconds(299), presigned.ExpiresAt);
    }

    [Fact]
    public void Canonical_query_of_the_first_js_sdk_case_is_the_documented_one()
    {
        var presigned = new SigV4Signer().Presign(new Uri("wss://kvs.awsamazon.com"), JsParameters,
            new SigV4Credentials(JsAccessKeyId, JsSecret, JsToken), "us-west-2", "kinesisvideo", JsDate, TimeSpan.FromSeconds(299));

        var lines = presigned.CanonicalRequest.Split('\n');
        Assert.Equal(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA4F7WJQR7FMMWMNXI%2F20191201%2Fus-west-2%2Fkinesisvideo%2Faws4_request&X-Amz-Date=20191201T000000Z&X-Amz-Expires=299&X-Amz-Security-Token=FakeSessionToken&X-Amz-SignedHeaders=host&X-Amz-TestParam=test-param-value",
            lines[2]);
        Assert.Equal(["GET", "/"], lines[..2]);
        Assert.Equal(["host:kvs.awsamazon.com", "", "host", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"], lines[3..]);
    }

    [Theory]
    [InlineData(JsUrlWithToken, JsToken)]
    [InlineData(JsUrlWithoutToken, null)]
    [InlineData(JsUrlWithPath, JsToken)]
    public async Task Presigned_url_signed_by_the_js_sdk_vector_verifies(string url, string? token)
    {
        var clock = new FakeTimeProvider(JsDate.AddSeconds(60));
        var resolver = new InMemoryCredentialResolver(clock).Add(new SigV4Credentials(JsAccessKeyId, JsSecret, token), "viewer");

        var result = await new SigV4Verifier<string>(resolver, clock).VerifyAsync(Urls.ToUpgradeRequest(url), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal(SigV4AuthenticationForm.Query, result.Form);
        Assert.Equal(token, resolver.LastSessionToken);
        Assert.Equal(JsDate.AddSeconds(299), result.ExpiresAt);
    }

    [Fact]
    public async Task Presigned_url_signed_by_the_js_sdk_vector_with_token_verifies_only_until_it_expires()
    {
        var clock = new FakeTimeProvider(JsDate.AddSeconds(299));
        var resolver = new InMemoryCredentialResolver(clock).Add(new SigV4Credentials(JsAccessKeyId, JsSecret, JsToken), "viewer");
        var verifier = new SigV4Verifier<string>(resolver, clock);

        Assert.True((await verifier.VerifyAsync(Urls.ToUpgradeRequest(JsUrlWithToken), TestContext.Current.CancellationToken)).Succeeded);
        clock.Advance(TimeSpan.FromSeconds(1));
        var late = await verifier.VerifyAsync(Urls.ToUpgradeRequest(JsUrlWithToken), TestContext.Current.CancellationToken);

        Assert.Equal(SigV4FailureReason.SignatureExpired, late.Failure?.Reason);
        Assert.Contains("Signature expired", late.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Js_sdk_firehose_vector_verifies_only_where_that_service_is_allowed()
    {
        var clock = new FakeTimeProvider(JsDate);
        var resolver = new InMemoryCredentialResolver(clock).Add(new SigV4Credentials(JsAccessKeyId, JsSecret, JsToken), "viewer");
        var firehose = new SigV4VerifierOptions();
        firehose.AllowedServices.Add("firehose");

        var refused = await new SigV4Verifier<string>(resolver, clock).VerifyAsync(Urls.ToUpgradeRequest(JsUrlFirehose), TestContext.Current.CancellationToken);
        var accepted = await new SigV4Verifier<string>(resolver, clock, firehose).VerifyAsync(Urls.ToUpgradeRequest(JsUrlFirehose), TestContext.Current.CancellationToken);

        Assert.Equal(SigV4FailureReason.ServiceNotAllowed, refused.Failure?.Reason);
        Assert.True(accepted.Succeeded, accepted.Failure?.ToString());
    }

    [Fact]
    public async Task Own_viewer_example_signs_to_the_documented_signature_and_verifies()
    {
        var time = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var credentials = new SigV4Credentials("ASIAEXAMPLEKEY000001", "ExampleSecretKey", "ExampleSessionToken+/=");
        KeyValuePair<string, string>[] parameters =
        [
            new("X-Amz-ChannelARN", "arn:aws:kinesisvideo:us-west-2:123456789012:channel/camera-0001/1700000000000"),
            new("X-Amz-ClientId", "viewer-1"),
        ];

        var presigned = new SigV4Signer().Presign(new Uri("wss://v-0a1b2c3d.kinesisvideo.us-west-2.amazonaws.com"), parameters,
            credentials, "us-west-2", "kinesisvideo", time, TimeSpan.FromSeconds(299));

        Assert.Equal("468c2bc7bb0626a6f008053668249e5c0714749c8a5b01ad60305e74a69216d3", presigned.Signature);
        Assert.Contains("&X-Amz-Security-Token=ExampleSessionToken%2B%2F%3D&", presigned.Url, StringComparison.Ordinal);
        Assert.Contains("X-Amz-ChannelARN=arn%3Aaws%3Akinesisvideo%3Aus-west-2%3A123456789012%3Achannel%2Fcamera-0001%2F1700000000000&", presigned.Url, StringComparison.Ordinal);

        var clock = new FakeTimeProvider(time.AddSeconds(5));
        var resolver = new InMemoryCredentialResolver(clock).Add(credentials, "viewer-1", tokenExpiry: time.AddHours(1));
        var result = await new SigV4Verifier<string>(resolver, clock).VerifyAsync(Urls.ToUpgradeRequest(presigned.Url), TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal("ExampleSessionToken+/=", resolver.LastSessionToken);
    }
}
