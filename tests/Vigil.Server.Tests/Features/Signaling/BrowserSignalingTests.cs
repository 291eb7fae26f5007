using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Signaling;

/// <summary>
/// Chromium (Debian's, in a network namespace as the WebRTC tests run it) loads a page from Vigil's HTTPS
/// origin, then opens the KVS WebRTC JS SDK's SignalingClient from it (the SDK's own browser bundle from
/// tests/compat, pinned in its package-lock) as a viewer: its socket opens and its offer reaches a master.
/// With HTTP/2 (Chromium's default) the browser carries the WebSocket on its HTTP/2 connection to the origin
/// as an extended CONNECT (RFC 8441); with HTTP/2 switched off it upgrades an HTTP/1.1 GET. The server side
/// records which one arrived, so the test cannot pass over the other. The same through the front door
/// (<c>Server:FrontDoorPort</c>), whose web route never asks the browser for a client certificate.
/// </summary>
public sealed class BrowserSignalingTests
{
    private const string Channel = "camera-0001";
    private const string OfferSdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n";
    private const string AnswerSdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("h2", "HTTPS port")]
    [InlineData("http/1.1", "HTTPS port")]
    [InlineData("h2", "front door")]
    public async Task The_kvs_js_sdk_in_chromium_opens_its_socket_from_a_page_of_vigils_origin_and_its_offer_reaches_the_master(string protocol, string origin)
    {
        var bundle = Path.Combine(CompatClients.Directory(), "node_modules", "amazon-kinesis-video-streams-webrtc", "dist", "kvs-webrtc.min.js");
        await using var network = await NetworkNamespace.CreateAsync(Ct);
        var recorder = new RequestRecorder("/signaling");
        var host = network.HostAddress.ToString();
        var settings = new Dictionary<string, string?> { ["Server:ListenAddress"] = host, ["Server:PublicHost"] = host };
        if (origin == "front door")
        {
            // The page and the socket go through the front door (the public address then); the master stays on the HTTPS port.
            settings["Server:FrontDoorPort"] = "0";
            settings["Server:FrontDoorCredentialsHost"] = "credentials.vigil.test";
        }

        await using var vigil = await RunningVigil.StartAsync(settings: settings, services: recorder.Register, cancellationToken: Ct);
        var pageOrigin = origin == "front door" ? new Uri($"https://{host}:{vigil.FrontDoorPort}") : vigil.Https;
        var admin = await TestCredentials.AdminKeyAsync(vigil);
        var viewer = TestCredentials.Temporary(vigil, Vigil.Server.Features.Credentials.CredentialPrincipal.User("guest@example.com"), TestCredentials.ViewerPolicy(Channel));
        string arn, wss;
        using (var kvs = KvsTestClient.For(vigil, admin))
        {
            arn = await kvs.CreateChannelAsync(Channel, Ct);
            var endpoints = await kvs.PostAsync("/getSignalingChannelEndpoint", $$$"""{"ChannelARN":"{{{arn}}}","SingleMasterChannelEndpointConfiguration":{"Protocols":["WSS","HTTPS"],"Role":"VIEWER"}}""", Ct);
            wss = endpoints.Json.GetProperty("ResourceEndpointList").EnumerateArray().Single(e => e.GetProperty("Protocol").GetString() == "WSS").GetProperty("ResourceEndpoint").GetString()!;
        }

        await using var master = await SignalingTestSocket.ConnectAsync(vigil, SignalingTestSocket.PresignedUrl(vigil, admin, arn, null, host: host), Ct);
        await using var chromium = await HeadlessChromium.LaunchAsync(new ChromiumOptions(
            Namespace: network, ExtraArguments: protocol == "h2" ? [] : ["--disable-http2"]));
        // Vigil's certificate comes from its own CA, which this throw-away profile does not trust (other tests check the chain).
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();

        // A page of Vigil's origin (no content security policy on it, so the SDK's bundle may be added as a script).
        var loaded = await page.NavigateAsync(new Uri(pageOrigin, "/healthz").ToString());
        Assert.True(loaded is { Ok: true }, $"the page did not load: {loaded?.Status}");
        Assert.Equal(protocol, await page.EvaluateAsync<string>("() => performance.getEntriesByType('navigation')[0].nextHopProtocol"));
        Assert.StartsWith($"wss://{pageOrigin.Authority}/", wss, StringComparison.Ordinal);
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = bundle });
        var opened = await page.EvaluateAsync<string>(OpenViewerScript, new
        {
            channelARN = arn,
            channelEndpoint = wss,
            clientId = "browser-viewer",
            region = "us-east-1",
            credentials = new { accessKeyId = viewer.AccessKeyId, secretAccessKey = viewer.SecretAccessKey, sessionToken = viewer.SessionToken },
            offerSdp = OfferSdp,
        });
        Assert.Equal("open", opened);

        var atMaster = await master.ReceiveAsync(Ct);
        Assert.Equal("SDP_OFFER", atMaster.GetProperty("messageType").GetString());
        Assert.Equal("browser-viewer", atMaster.GetProperty("senderClientId").GetString());
        var offer = JsonDocument.Parse(Convert.FromBase64String(atMaster.GetProperty("messagePayload").GetString()!)).RootElement;
        Assert.Equal(OfferSdp, offer.GetProperty("sdp").GetString());
        var answer = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = "answer", sdp = AnswerSdp })));
        await master.SendAsync($$"""{"action":"SDP_ANSWER","recipientClientId":"browser-viewer","messagePayload":"{{answer}}"}""", Ct);
        Assert.Equal(AnswerSdp, await page.EvaluateAsync<string>("() => window.vigilAnswer"));

        var socket = Assert.Single(recorder.Requests, r => r.Path == "/signaling/viewer");
        Assert.Equal(protocol == "h2" ? ("CONNECT", "HTTP/2") : ("GET", "HTTP/1.1"), (socket.Method, socket.Protocol));
    }

    /// <summary>
    /// Opens a viewer SignalingClient from the SDK's browser bundle (global <c>KVSWebRTC</c>), resolves "open" once
    /// its socket is open and its offer sent; <c>window.vigilAnswer</c> then resolves with the answer's SDP.
    /// </summary>
    private const string OpenViewerScript = """
        async ({ channelARN, channelEndpoint, clientId, region, credentials, offerSdp }) => {
          const client = new KVSWebRTC.SignalingClient({
            channelARN, channelEndpoint, clientId, region, credentials, role: KVSWebRTC.Role.VIEWER, systemClockOffset: 0,
          });
          window.vigilAnswer = new Promise((resolve, reject) => {
            client.on('sdpAnswer', (answer) => resolve(answer.sdp));
            client.on('close', () => reject(new Error('the socket closed before an answer came')));
          });
          window.vigilAnswer.catch(() => {});
          await new Promise((resolve, reject) => {
            client.on('open', resolve);
            client.on('error', (e) => reject(new Error(`signaling error: ${e?.message ?? e?.type ?? e}`)));
            client.on('close', () => reject(new Error('the socket closed before it opened')));
            client.open();
          });
          client.sendSdpOffer({ type: 'offer', sdp: offerSdp });
          window.vigilSignaling = client;
          return 'open';
        }
        """;
}
