using BenchmarkDotNet.Attributes;

namespace Vigil.SigV4.Bench;

/// <summary>Cost of signing on the agent side: a control-plane POST and a presigned signaling URL.</summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SigV4Credentials Credentials = new("ASIAEXAMPLEKEY000002", "TemporarySecretKey", "session-token");
    private static readonly KeyValuePair<string, string>[] Parameters =
        [new("X-Amz-ChannelARN", "arn:aws:kinesisvideo:us-west-2:123456789012:channel/camera-0001/1700000000000")];

    private readonly SigV4Signer _signer = new();
    private readonly Uri _endpoint = new("wss://v-0a1b2c3d.kinesisvideo.us-west-2.amazonaws.com");
    private readonly byte[] _body = "{\"ChannelName\":\"camera-0001\"}"u8.ToArray();
    private readonly SigV4HeaderCollection _headers = new() { { "Host", "kinesisvideo.us-west-2.amazonaws.com" }, { "Content-Type", "application/json" } };

    [Benchmark]
    public SigV4HeaderSignature SignPost() => _signer.Sign(
        new SigV4SigningRequest { Method = "POST", Path = "/describeSignalingChannel", Headers = _headers, Body = _body },
        Credentials, "us-west-2", "kinesisvideo", Now);

    [Benchmark]
    public SigV4PresignedUrl PresignViewerUrl() =>
        _signer.Presign(_endpoint, Parameters, Credentials, "us-west-2", "kinesisvideo", Now, TimeSpan.FromSeconds(299));
}
