using Microsoft.Extensions.Time.Testing;

namespace Vigil.SigV4.Tests.Support;

/// <summary>
/// A clock, a credential store with a long-term and a temporary key, and helpers to sign requests the way
/// the different clients do and hand them to a verifier as a server would see them.
/// </summary>
internal sealed class Scenario
{
    public const string Region = "us-west-2";
    public const string Service = "kinesisvideo";
    public const string Host = "kinesisvideo.us-west-2.amazonaws.com";
    public const string ChannelArn = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/camera-0001/1700000000000";

    public static readonly DateTimeOffset Start = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly SigV4Credentials LongTerm = new("AKIAEXAMPLEKEY000001", "ExampleSecretKey");

    public static readonly SigV4Credentials Temporary = new("ASIAEXAMPLEKEY000002", "TemporarySecretKey/+=", "session-token+/=%&");

    public static readonly byte[] Body = "{\"ChannelName\":\"camera-0001\"}"u8.ToArray();

    public Scenario()
    {
        Clock = new FakeTimeProvider(Start);
        Resolver = new InMemoryCredentialResolver(Clock)
            .Add(LongTerm, "user:alice")
            .Add(Temporary, "device:camera-0001", tokenExpiry: Start.AddHours(1));
    }

    public FakeTimeProvider Clock { get; }

    public InMemoryCredentialResolver Resolver { get; }

    public SigV4Verifier<string> Verifier(SigV4VerifierOptions? options = null) => new(Resolver, Clock, options);

    public ValueTask<SigV4VerificationResult<string>> VerifyAsync(SigV4VerificationRequest request, SigV4VerifierOptions? options = null) =>
        Verifier(options).VerifyAsync(request, TestContext.Current.CancellationToken);

    /// <summary>Signs a JSON POST (header form) now and returns it as the server receives it.</summary>
    public SigV4VerificationRequest SignedPost(SigV4Credentials credentials, SigV4SignerOptions? options = null,
        string path = "/describeSignalingChannel", string? query = null, SigV4HeaderCollection? extraSignedHeaders = null,
        DateTimeOffset? at = null)
    {
        var headers = extraSignedHeaders?.Clone() ?? new SigV4HeaderCollection();
        headers.Add("Host", Host);
        headers.Add("Content-Type", "application/json");
        var signature = new SigV4Signer(options ?? new SigV4SignerOptions()).Sign(new SigV4SigningRequest
        {
            Method = "POST",
            Path = path,
            QueryString = query,
            Headers = headers,
            Body = Body,
        }, credentials, Region, Service, at ?? Clock.GetUtcNow());
        return Received("POST", path, query, Apply(signature, headers), Body);
    }

    /// <summary>Presigns a viewer connection now (JS SDK layout unless <paramref name="options"/> says otherwise).</summary>
    public string PresignedViewerUrl(SigV4Credentials credentials, SigV4SignerOptions? options = null, DateTimeOffset? at = null,
        int expiresSeconds = 299, string endpoint = "wss://v-0a1b2c3d.kinesisvideo.us-west-2.amazonaws.com")
    {
        KeyValuePair<string, string>[] parameters = [new("X-Amz-ChannelARN", ChannelArn), new("X-Amz-ClientId", "viewer-1")];
        return new SigV4Signer(options ?? new SigV4SignerOptions()).Presign(new Uri(endpoint), parameters, credentials, Region, Service,
            at ?? Clock.GetUtcNow(), TimeSpan.FromSeconds(expiresSeconds)).Url;
    }

    /// <summary>Adds the signature's header fields as a client sends them.</summary>
    public static SigV4HeaderCollection Apply(SigV4HeaderSignature signature, SigV4HeaderCollection headers)
    {
        var sent = headers.Clone();
        sent.Set("X-Amz-Date", signature.AmzDate);
        if (signature.SecurityToken is { } token)
        {
            sent.Set("X-Amz-Security-Token", token);
        }

        if (signature.ContentSha256 is { } hash)
        {
            sent.Set("X-Amz-Content-Sha256", hash);
        }

        sent.Set("Authorization", signature.Authorization);
        return sent;
    }

    public static SigV4VerificationRequest Received(string method, string path, string? query, SigV4HeaderCollection headers, byte[] body) =>
        new() { Method = method, Path = path, QueryString = query, Headers = headers, Body = body };

    /// <summary>A copy of <paramref name="request"/> with some pieces replaced.</summary>
    public static SigV4VerificationRequest With(SigV4VerificationRequest request, string? path = null, string? query = null,
        byte[]? body = null, Action<SigV4HeaderCollection>? headers = null)
    {
        var copy = request.Headers.Clone();
        headers?.Invoke(copy);
        return new SigV4VerificationRequest
        {
            Method = request.Method,
            Path = path ?? request.Path,
            QueryString = query ?? request.QueryString,
            Headers = copy,
            Body = body ?? request.Body,
            PayloadHash = request.PayloadHash,
        };
    }
}
