using System.Net;
using System.Net.WebSockets;
using System.Text;
using Vigil.Server.Features.Credentials;
using Vigil.SigV4;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Signaling;

public sealed class SignalingWebSocketTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(RunningVigil Vigil, SigV4Credentials Admin, string Arn)> StartAsync(Dictionary<string, string?>? settings = null, string channel = "camera-0001", int ttl = 60)
    {
        var vigil = await RunningVigil.StartAsync(settings: settings, cancellationToken: Ct);
        var admin = await TestCredentials.AdminKeyAsync(vigil);
        using var kvs = KvsTestClient.For(vigil, admin);
        return (vigil, admin, await kvs.CreateChannelAsync(channel, Ct, ttl));
    }

    [Fact]
    public async Task Viewer_and_master_exchange_offer_answer_and_candidates_with_exact_frames()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        await using var master = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);
        await using var viewer = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "viewer-1", Ct);
        var offer = SignalingTestSocket.Offer;
        var answer = SignalingTestSocket.Answer;

        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{offer}}","recipientClientId":"ignored-by-the-service"}""", Ct);
        var atMaster = await master.ReceiveTextAsync(Ct);
        await viewer.SendAsync($$"""{"action":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(1)}}"}""", Ct);
        var candidateAtMaster = await master.ReceiveTextAsync(Ct);
        // The KVS C SDK's shape: pretty-printed, PascalCase, lowercase action.
        await master.SendAsync($"{{\n\t\"action\": \"SDP_ANSWER\",\n\t\"RecipientClientId\": \"viewer-1\",\n\t\"MessagePayload\": \"{answer}\",\n\t\"CorrelationId\": \"1697058567743\"\n}}", Ct);
        var atViewer = await viewer.ReceiveTextAsync(Ct);
        await master.SendAsync($$"""{"action":"ICE_CANDIDATE","recipientClientId":"viewer-1","messagePayload":"{{SignalingTestSocket.Candidate(2)}}"}""", Ct);
        var candidateAtViewer = await viewer.ReceiveTextAsync(Ct);

        Assert.Equal($$"""{"senderClientId":"viewer-1","messageType":"SDP_OFFER","messagePayload":"{{offer}}"}""", atMaster);
        Assert.Equal($$"""{"senderClientId":"viewer-1","messageType":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(1)}}"}""", candidateAtMaster);
        Assert.Equal($$"""{"messageType":"SDP_ANSWER","messagePayload":"{{answer}}"}""", atViewer);
        Assert.Equal($$"""{"messageType":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(2)}}"}""", candidateAtViewer);
    }

    [Fact]
    public async Task A_c_sdk_offer_with_an_ice_server_list_and_an_escaped_payload_is_relayed_byte_for_byte()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        await using var master = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);
        await using var viewer = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "c-sdk-viewer", Ct);
        var offer = SignalingTestSocket.Offer;

        await viewer.SendAsync($"{{\n\t\"action\": \"SDP_OFFER\",\n\t\"RecipientClientId\": \"\",\n\t\"MessagePayload\": \"{offer.Replace("/", "\\/", StringComparison.Ordinal)}\",\n\t\"IceServerList\": [{{\"Password\": \"p\", \"Ttl\": 298, \"Uris\": [\"turn:x:443\"], \"Username\": \"u\"}}]\n}}", Ct);

        Assert.Equal($$"""{"senderClientId":"c-sdk-viewer","messageType":"SDP_OFFER","messagePayload":"{{offer}}"}""", await master.ReceiveTextAsync(Ct));
    }

    [Fact]
    public async Task The_sub_protocol_the_c_sdk_asks_for_is_echoed()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;

        await using var master = await SignalingTestSocket.ConnectAsync(vigil, SignalingTestSocket.PresignedUrl(vigil, admin, arn, null), Ct, subProtocol: "wss");

        Assert.Equal("wss", master.Socket.SubProtocol);
    }

    [Fact]
    public async Task Messages_wait_for_an_absent_master_and_arrive_in_order_when_it_connects()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        await using var viewer = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "early-viewer", Ct);

        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Payload("old offer")}}"}""", Ct);
        await viewer.SendAsync($$"""{"action":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(1)}}"}""", Ct);
        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Offer}}","correlationId":"c1"}""", Ct);
        await viewer.SendAsync($$"""{"action":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(2)}}"}""", Ct);
        // The candidate proves the viewer's messages were all processed before the master connects.
        await using var probe = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "probe", Ct);
        await viewer.SendAsync($$"""{"action":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(3)}}"}""", Ct);
        await using var master = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);
        var first = await master.ReceiveAsync(Ct);
        var second = await master.ReceiveAsync(Ct);
        var third = await master.ReceiveAsync(Ct);

        // The newer offer replaced the queued older one in place; candidates keep their order.
        Assert.Equal(SignalingTestSocket.Offer, first.GetProperty("messagePayload").GetString());
        Assert.Equal(SignalingTestSocket.Candidate(1), second.GetProperty("messagePayload").GetString());
        Assert.Equal(SignalingTestSocket.Candidate(2), third.GetProperty("messagePayload").GetString());
        Assert.Equal(SignalingTestSocket.Candidate(3), (await master.ReceiveAsync(Ct)).GetProperty("messagePayload").GetString());
    }

    [Fact]
    public async Task A_second_master_replaces_the_first_and_a_viewer_reconnecting_with_its_id_replaces_itself()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        await using var first = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);
        await using var viewerOld = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "v", Ct);

        await using var second = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);
        var firstClosed = await first.ReceiveCloseAsync(Ct);
        await using var viewerNew = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "v", Ct);
        var oldViewerClosed = await viewerOld.ReceiveCloseAsync(Ct);
        await viewerNew.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Offer}}"}""", Ct);
        var atSecond = await second.ReceiveAsync(Ct);
        await second.SendAsync($$"""{"action":"SDP_ANSWER","recipientClientId":"v","messagePayload":"{{SignalingTestSocket.Answer}}"}""", Ct);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, firstClosed.Status);
        Assert.Equal("replaced by a newer connection", firstClosed.Reason);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, oldViewerClosed.Status);
        Assert.Equal("v", atSecond.GetProperty("senderClientId").GetString());
        Assert.Equal(SignalingTestSocket.Answer, (await viewerNew.ReceiveAsync(Ct)).GetProperty("messagePayload").GetString());
    }

    [Fact]
    public async Task A_master_message_without_recipient_an_oversized_payload_and_bad_json_get_status_responses_and_reach_nobody()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        await using var master = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);
        await using var viewer = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "viewer-1", Ct);
        var tooLong = Convert.ToBase64String(new byte[7681]);   // 10,244 characters: over 10 KB

        await master.SendAsync($$"""{"action":"SDP_ANSWER","messagePayload":"{{SignalingTestSocket.Answer}}","correlationId":"no-recipient"}""", Ct);
        var noRecipient = await master.ReceiveAsync(Ct);
        await master.SendAsync($$"""{"action":"SDP_ANSWER","recipientClientId":"","messagePayload":"{{SignalingTestSocket.Answer}}"}""", Ct);
        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{tooLong}}","correlationId":"too-long"}""", Ct);
        var oversized = await viewer.ReceiveAsync(Ct);
        await viewer.SendAsync("""{"action":"SDP_OFFER","messagePayload":"not base64!","correlationId":"bad-payload"}""", Ct);
        var badPayload = await viewer.ReceiveAsync(Ct);
        await viewer.SendAsync("""{"action":"HELLO","messagePayload":"aGk=","correlationId":"bad-action"}""", Ct);
        var badAction = await viewer.ReceiveAsync(Ct);
        await viewer.SendAsync("""{"action":"SDP_OFFER",""", Ct);
        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{Convert.ToBase64String(new byte[7500])}}"}""", Ct);
        var fitting = await master.ReceiveAsync(Ct);

        Assert.Equal("""{"messageType":"STATUS_RESPONSE","statusResponse":{"correlationId":"no-recipient","errorType":"InvalidArgumentException","statusCode":"400","description":"A message from the master needs recipientClientId: the viewer\u0027s client id.","success":false}}""",
            noRecipient.GetRawText());
        Assert.Equal("too-long", oversized.GetProperty("statusResponse").GetProperty("correlationId").GetString());
        Assert.Equal("InvalidArgumentException", oversized.GetProperty("statusResponse").GetProperty("errorType").GetString());
        Assert.Equal("bad-payload", badPayload.GetProperty("statusResponse").GetProperty("correlationId").GetString());
        Assert.Equal("bad-action", badAction.GetProperty("statusResponse").GetProperty("correlationId").GetString());
        // Nothing refused reached the master: the first thing it gets is the fitting offer (10,000 characters).
        Assert.Equal("viewer-1", fitting.GetProperty("senderClientId").GetString());
        Assert.Equal(10_000, fitting.GetProperty("messagePayload").GetString()!.Length);
    }

    [Fact]
    public async Task Sdp_and_candidate_rates_are_limited_per_connection()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        await using var master = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);
        await using var viewer = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "fast", Ct);

        for (var i = 0; i < 20; i++)
        {
            await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Offer}}","correlationId":"o{{i}}"}""", Ct);
        }

        var refusal = await viewer.ReceiveAsync(Ct);

        Assert.Equal("ClientLimitExceededException", refusal.GetProperty("statusResponse").GetProperty("errorType").GetString());
        Assert.Equal("400", refusal.GetProperty("statusResponse").GetProperty("statusCode").GetString());
    }

    [Fact]
    public async Task Refused_handshakes_answer_aws_errors_before_any_upgrade()
    {
        var (vigil, admin, arn) = await StartAsync(new Dictionary<string, string?> { ["Signaling:MaxViewersPerChannel"] = "2" });
        await using var _ = vigil;
        using (var kvs = KvsTestClient.For(vigil, admin))
        {
            await kvs.CreateChannelAsync("camera-0002", Ct);
        }

        var otherArn = arn.Replace("camera-0001", "camera-0002", StringComparison.Ordinal);
        var viewerOf1 = TestCredentials.Temporary(vigil, CredentialPrincipal.User("guest@example.com"), TestCredentials.ViewerPolicy("camera-0001"));
        await using var v1 = await SignalingTestSocket.ConnectAsync(vigil, viewerOf1, arn, "one", Ct);
        await using var v2 = await SignalingTestSocket.ConnectAsync(vigil, viewerOf1, arn, "two", Ct);
        var valid = SignalingTestSocket.PresignedUrl(vigil, viewerOf1, arn, "three");
        var signature = valid[(valid.IndexOf("X-Amz-Signature=", StringComparison.Ordinal) + 16)..][..64];

        var expired = await SignalingTestSocket.RefusedAsync(vigil, SignalingTestSocket.PresignedUrl(vigil, viewerOf1, arn, "late", TimeProvider.System.GetUtcNow().AddMinutes(-10)), Ct);
        var tampered = await SignalingTestSocket.RefusedAsync(vigil, valid.Replace(signature, new string('0', 64), StringComparison.Ordinal), Ct);
        var otherChannel = await SignalingTestSocket.RefusedAsync(vigil, SignalingTestSocket.PresignedUrl(vigil, viewerOf1, otherArn, "three"), Ct);
        var asMaster = await SignalingTestSocket.RefusedAsync(vigil, SignalingTestSocket.PresignedUrl(vigil, viewerOf1, arn, null), Ct);
        var thirdViewer = await SignalingTestSocket.RefusedAsync(vigil, valid, Ct);
        var reserved = await SignalingTestSocket.RefusedAsync(vigil, SignalingTestSocket.PresignedUrl(vigil, admin, arn, "aws_master"), Ct);
        var badId = await SignalingTestSocket.RefusedAsync(vigil, SignalingTestSocket.PresignedUrl(vigil, admin, arn, "has space"), Ct);
        var noId = await SignalingTestSocket.RefusedAsync(vigil, SignalingTestSocket.PresignedUrl(vigil, admin, arn, null, role: "viewer"), Ct);
        var missing = await SignalingTestSocket.RefusedAsync(vigil, SignalingTestSocket.PresignedUrl(vigil, admin, arn.Replace("camera-0001", "camera-0404", StringComparison.Ordinal), "x"), Ct);
        var unsigned = await SignalingTestSocket.RefusedAsync(vigil, $"wss://localhost:{vigil.Https.Port}/signaling/viewer?X-Amz-ChannelARN={Uri.EscapeDataString(arn)}&X-Amz-ClientId=x", Ct);

        Assert.Equal((HttpStatusCode.Forbidden, "InvalidSignatureException"), expired);
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidSignatureException"), tampered);
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), otherChannel);
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), asMaster);
        Assert.Equal((HttpStatusCode.BadRequest, "ClientLimitExceededException"), thirdViewer);
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidArgumentException"), reserved);
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidArgumentException"), badId);
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidArgumentException"), noId);
        Assert.Equal((HttpStatusCode.NotFound, "ResourceNotFoundException"), missing);
        Assert.Equal((HttpStatusCode.Forbidden, "MissingAuthenticationTokenException"), unsigned);
    }

    [Fact]
    public async Task A_plain_get_without_upgrade_is_refused_after_authentication()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        using var http = vigil.CreateClient();

        var response = await http.GetAsync(SignalingTestSocket.PresignedUrl(vigil, admin, arn, "v").Replace("wss://", "https://", StringComparison.Ordinal), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidArgumentException", response.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    [Fact]
    public async Task An_idle_connection_is_closed()
    {
        var (vigil, admin, arn) = await StartAsync(new Dictionary<string, string?> { ["Signaling:IdleTimeout"] = "00:00:01" });
        await using var _ = vigil;
        await using var viewer = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "sleepy", Ct);

        var closed = await viewer.ReceiveCloseAsync(Ct);

        Assert.Equal((WebSocketCloseStatus.NormalClosure, "idle timeout"), (closed.Status, closed.Reason));
    }

    [Fact]
    public async Task Go_away_comes_before_the_maximum_connection_duration()
    {
        var (vigil, admin, arn) = await StartAsync(new Dictionary<string, string?>
        {
            ["Signaling:MaxConnectionDuration"] = "00:00:03",
            ["Signaling:GoAwayGrace"] = "00:00:02",
        });
        await using var _ = vigil;
        await using var master = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);

        var closed = await master.ReceiveCloseAsync(Ct);

        Assert.Equal(["""{"messageType":"GO_AWAY"}"""], closed.FramesBefore);
        Assert.Equal("maximum connection duration reached", closed.Reason);
    }

    [Fact]
    public async Task Stopping_the_server_sends_go_away_and_closes_every_connection()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var master = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);
        await using var viewer = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "v", Ct);

        var stopping = vigil.DisposeAsync().AsTask();
        var masterClosed = await master.ReceiveCloseAsync(Ct);
        var viewerClosed = await viewer.ReceiveCloseAsync(Ct);
        await stopping;

        Assert.Equal(["""{"messageType":"GO_AWAY"}"""], masterClosed.FramesBefore);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, viewerClosed.Status);
    }

    [Fact]
    public async Task A_client_reconnecting_while_the_server_stops_is_refused_instead_of_holding_up_the_shutdown()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        await using var master = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);

        // ApplicationStopping comes first: Kestrel still accepts connections until the hosted services have
        // stopped, and a client told GO_AWAY reconnects at once. Accepted, it would be left open until the end of
        // Server:ShutdownTimeout (a 30 s stop under load, issue 19).
        vigil.App.Lifetime.StopApplication();
        var closed = await master.ReceiveCloseAsync(Ct);
        var (status, error) = await SignalingTestSocket.RefusedAsync(vigil, SignalingTestSocket.PresignedUrl(vigil, admin, arn, null), Ct);

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, closed.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("ServiceUnavailable", error);
    }

    [Fact]
    public async Task Deleting_a_channel_disconnects_its_clients()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        await using var master = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, null, Ct);
        using var kvs = KvsTestClient.For(vigil, admin);

        Assert.Equal(200, (await kvs.PostAsync("/deleteSignalingChannel", $$"""{"ChannelARN":"{{arn}}"}""", Ct)).Status);
        var closed = await master.ReceiveCloseAsync(Ct);

        Assert.Equal((WebSocketCloseStatus.EndpointUnavailable, "channel deleted"), (closed.Status, closed.Reason));
    }

    [Fact]
    public async Task Binary_frames_and_oversized_messages_close_the_connection()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        await using var binary = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "binary", Ct);
        await using var huge = await SignalingTestSocket.ConnectAsync(vigil, admin, arn, "huge", Ct);

        await binary.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, Ct);
        await huge.Socket.SendAsync(Encoding.ASCII.GetBytes(new string(' ', 40_000)), WebSocketMessageType.Text, true, Ct);

        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, (await binary.ReceiveCloseAsync(Ct)).Status);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, (await huge.ReceiveCloseAsync(Ct)).Status);
    }

    [Fact]
    public async Task Pings_are_answered_with_pongs()
    {
        var (vigil, admin, arn) = await StartAsync();
        await using var _ = vigil;
        var url = new Uri(SignalingTestSocket.PresignedUrl(vigil, admin, arn, null));
        await using var raw = await RawTlsConnection.OpenAsync(vigil.Https, vigil.RootCertificate, Ct);

        await raw.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: localhost:{vigil.Https.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: wss\r\n\r\n"), Ct);
        var head = await raw.ReadHeadAsync(Ct);
        // A masked ping frame (RFC 6455 §5.5.2) with the payload "kvs".
        byte[] mask = [0x11, 0x22, 0x33, 0x44];
        var payload = "kvs"u8.ToArray();
        byte[] ping = [0x89, (byte)(0x80 | payload.Length), .. mask, .. payload.Select((b, i) => (byte)(b ^ mask[i % 4]))];
        await raw.WriteAsync(ping, Ct);
        var pong = await raw.ReadExactlyAsync(2 + payload.Length, Ct);

        Assert.StartsWith("HTTP/1.1 101 Switching Protocols", head, StringComparison.Ordinal);
        Assert.Contains("Sec-WebSocket-Protocol: wss", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head, StringComparison.Ordinal);
        Assert.Equal([0x8A, (byte)payload.Length, .. payload], pong);
    }
}
