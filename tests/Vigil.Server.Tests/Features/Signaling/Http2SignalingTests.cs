using System.Net;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Tests.Support;
using Vigil.SigV4;

namespace Vigil.Server.Tests.Features.Signaling;

/// <summary>
/// The signaling WebSocket over HTTP/2 (RFC 8441 extended CONNECT), as a browser opens it when it already
/// holds an HTTP/2 connection to the origin: the same SigV4 checks and the same AWS errors as over HTTP/1.1.
/// .NET's ClientWebSocket with HTTP/2 required (no fallback); Chromium itself is in <see cref="BrowserSignalingTests"/>.
/// </summary>
public sealed class Http2SignalingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(RunningVigil Vigil, SigV4Credentials Admin, string Arn)> StartAsync()
    {
        var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        var admin = await TestCredentials.AdminKeyAsync(vigil);
        using var kvs = KvsTestClient.For(vigil, admin);
        return (vigil, admin, await kvs.CreateChannelAsync("camera-0001", Ct));
    }

    [Fact]
    public async Task Master_and_viewer_connect_with_extended_connect_and_exchange_offer_and_answer()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        var viewerCredentials = TestCredentials.Temporary(vigil, CredentialPrincipal.User("guest@example.com"), TestCredentials.ViewerPolicy("camera-0001"));
        await using var master = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct, http2: true);
        await using var viewer = await SignalingTestSocket.ConnectAsync(vigil, viewerCredentials, arn, "browser-1", Ct, http2: true);
        var offer = SignalingTestSocket.Offer;
        var answer = SignalingTestSocket.Answer;

        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{offer}}"}""", Ct);
        var atMaster = await master.ReceiveTextAsync(Ct);
        await master.SendAsync($$"""{"action":"SDP_ANSWER","recipientClientId":"browser-1","messagePayload":"{{answer}}"}""", Ct);
        var atViewer = await viewer.ReceiveTextAsync(Ct);

        // 200, not 101: the server accepted an extended CONNECT on an HTTP/2 stream (RFC 8441 §5).
        Assert.Equal(HttpStatusCode.OK, master.HandshakeStatus);
        Assert.Equal(HttpStatusCode.OK, viewer.HandshakeStatus);
        Assert.Equal($$"""{"senderClientId":"browser-1","messageType":"SDP_OFFER","messagePayload":"{{offer}}"}""", atMaster);
        Assert.Equal($$"""{"messageType":"SDP_ANSWER","messagePayload":"{{answer}}"}""", atViewer);
    }

    [Fact]
    public async Task A_socket_over_http1_and_one_over_http2_talk_to_each_other()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        await using var master = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);
        await using var viewer = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "browser-2", Ct, http2: true);

        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Offer}}"}""", Ct);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, master.HandshakeStatus);
        Assert.Equal(HttpStatusCode.OK, viewer.HandshakeStatus);
        Assert.Equal($$"""{"senderClientId":"browser-2","messageType":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Offer}}"}""", await master.ReceiveTextAsync(Ct));
    }

    [Fact]
    public async Task Refused_extended_connects_answer_the_same_aws_errors_as_refused_upgrades()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        var viewerOf1 = TestCredentials.Temporary(vigil, CredentialPrincipal.User("guest@example.com"), TestCredentials.ViewerPolicy("camera-0001"));
        var valid = SignalingTestSocket.PresignedUrl(vigil, viewerOf1, arn, "three");
        var signature = valid[(valid.IndexOf("X-Amz-Signature=", StringComparison.Ordinal) + 16)..][..64];
        var urls = new (string Name, string Url)[]
        {
            ("expired", SignalingTestSocket.PresignedUrl(vigil, viewerOf1, arn, "late", TimeProvider.System.GetUtcNow().AddMinutes(-10))),
            ("tampered", valid.Replace(signature, new string('0', 64), StringComparison.Ordinal)),
            ("as master", SignalingTestSocket.PresignedUrl(vigil, viewerOf1, arn, null)),
            ("unknown channel", SignalingTestSocket.PresignedUrl(vigil, admin, arn.Replace("camera-0001", "camera-0404", StringComparison.Ordinal), "x")),
            ("unsigned", $"wss://localhost:{vigil.Https.Port}/signaling/viewer?X-Amz-ChannelARN={Uri.EscapeDataString(arn)}&X-Amz-ClientId=x"),
        };

        foreach (var (name, url) in urls)
        {
            var overHttp1 = await SignalingTestSocket.RefusedAsync(vigil, url, Ct);
            var overHttp2 = await SignalingTestSocket.RefusedAsync(vigil, url, Ct, http2: true);
            Assert.True(overHttp1 == overHttp2, $"{name}: HTTP/1.1 answered {overHttp1}, HTTP/2 {overHttp2}");
        }

        Assert.Equal((HttpStatusCode.Forbidden, "InvalidSignatureException"), await SignalingTestSocket.RefusedAsync(vigil, urls[1].Url, Ct, http2: true));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), await SignalingTestSocket.RefusedAsync(vigil, urls[2].Url, Ct, http2: true));
    }

    [Fact]
    public async Task Plain_http2_requests_to_the_socket_paths_keep_their_errors()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        using var http = vigil.CreateClient();
        http.DefaultRequestVersion = HttpVersion.Version20;
        http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        var url = SignalingTestSocket.PresignedUrl(vigil, admin, arn, "v").Replace("wss://", "https://", StringComparison.Ordinal);

        using var get = await http.GetAsync(url, Ct);
        using var post = await http.PostAsync(url, new StringContent("{}"), Ct);

        Assert.Equal(new Version(2, 0), get.Version);
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Equal("InvalidArgumentException", get.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }
}
