using BenchmarkDotNet.Attributes;

namespace Vigil.SigV4.Bench;

/// <summary>
/// Verification throughput for the two request shapes the server sees most: a header-signed KVS control-plane
/// POST (C SDK style, token unsigned) and a presigned viewer <c>wss://</c> URL (JS SDK style, token signed).
/// <see cref="SigningKeyCacheSize"/> 0 vs 1024 measures what caching derived signing keys buys.
/// </summary>
[MemoryDiagnoser]
public class VerificationBenchmarks
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SigV4Credentials Credentials = new("ASIAEXAMPLEKEY000002", "TemporarySecretKey", "session-token-of-some-length-0123456789abcdef");

    private SigV4Verifier<string> _verifier = null!;
    private SigV4VerificationRequest _post = null!;
    private SigV4VerificationRequest _upgrade = null!;

    [Params(0, 1024)]
    public int SigningKeyCacheSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var clock = new FixedClock(Now);
        _verifier = new SigV4Verifier<string>(new SingleKeyResolver(Credentials), clock,
            new SigV4VerifierOptions { SigningKeyCacheSize = SigningKeyCacheSize });

        var body = "{\"ChannelName\":\"camera-0001\"}"u8.ToArray();
        var headers = new SigV4HeaderCollection { { "Host", "kinesisvideo.us-west-2.amazonaws.com" }, { "User-Agent", "AWS-SDK-KVS" } };
        var signature = new SigV4Signer(new SigV4SignerOptions { SignSessionToken = false }).Sign(
            new SigV4SigningRequest { Method = "POST", Path = "/describeSignalingChannel", Headers = headers, Body = body },
            Credentials, "us-west-2", "kinesisvideo", Now);
        headers.Add("X-Amz-Date", signature.AmzDate);
        headers.Add("X-Amz-Security-Token", signature.SecurityToken);
        headers.Add("Authorization", signature.Authorization);
        headers.Add("Content-Type", "application/json");
        _post = new SigV4VerificationRequest { Method = "POST", Path = "/describeSignalingChannel", Headers = headers, Body = body };

        var url = new SigV4Signer().Presign(new Uri("wss://v-0a1b2c3d.kinesisvideo.us-west-2.amazonaws.com"),
            [new("X-Amz-ChannelARN", "arn:aws:kinesisvideo:us-west-2:123456789012:channel/camera-0001/1700000000000"), new("X-Amz-ClientId", "viewer-1")],
            Credentials, "us-west-2", "kinesisvideo", Now, TimeSpan.FromSeconds(299)).Url;
        _upgrade = new SigV4VerificationRequest
        {
            Method = "GET",
            Path = "/",
            QueryString = url[url.IndexOf('?', StringComparison.Ordinal)..],
            Headers = new SigV4HeaderCollection { { "Host", "v-0a1b2c3d.kinesisvideo.us-west-2.amazonaws.com" }, { "Upgrade", "websocket" } },
        };

        if (!Verify(_post) || !Verify(_upgrade))
        {
            throw new InvalidOperationException("The benchmark requests do not verify.");
        }
    }

    [Benchmark]
    public ValueTask<SigV4VerificationResult<string>> VerifyHeaderSignedPost() => _verifier.VerifyAsync(_post);

    [Benchmark]
    public ValueTask<SigV4VerificationResult<string>> VerifyPresignedUrl() => _verifier.VerifyAsync(_upgrade);

    private bool Verify(SigV4VerificationRequest request)
    {
        var pending = _verifier.VerifyAsync(request);
        return pending.IsCompletedSuccessfully && pending.Result.Succeeded;
    }

    private sealed class SingleKeyResolver(SigV4Credentials credentials) : ISigV4CredentialResolver<string>
    {
        private readonly SigV4CredentialLookup<string> _found = new(credentials.SecretAccessKey, "device:camera-0001");

        public ValueTask<SigV4CredentialLookup<string>> ResolveAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken) =>
            ValueTask.FromResult(accessKeyId == credentials.AccessKeyId && sessionToken == credentials.SessionToken
                ? _found
                : new SigV4CredentialLookup<string>(SigV4CredentialLookupStatus.UnknownAccessKey));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
