using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Vigil.Server.Tests.Support;
using Vigil.SigV4;

namespace Vigil.Server.Tests.Features.Signaling;

/// <summary>
/// A signaling client for tests: a presigned wss:// URL (as the KVS JS SDK builds it) and .NET's ClientWebSocket,
/// over HTTP/1.1 (GET with Upgrade) or, with <c>http2</c>, over HTTP/2 (extended CONNECT, RFC 8441).
/// </summary>
internal sealed class SignalingTestSocket : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker? _invoker;

    private SignalingTestSocket(ClientWebSocket socket, HttpMessageInvoker? invoker)
    {
        _socket = socket;
        _invoker = invoker;
    }

    public WebSocket Socket => _socket;

    /// <summary>The handshake's HTTP status: 101 (Switching Protocols) over HTTP/1.1, 200 over HTTP/2 (RFC 8441 §5).</summary>
    public HttpStatusCode HandshakeStatus => _socket.HttpStatusCode;

    public static string PresignedUrl(RunningVigil vigil, SigV4Credentials credentials, string channelArn, string? clientId, DateTimeOffset? signedAt = null, int expiresSeconds = 299, string? role = null, string host = "localhost")
    {
        var endpoint = new Uri($"wss://{host}:{vigil.Https.Port}/signaling/{role ?? (clientId is null ? "master" : "viewer")}");
        var parameters = new List<KeyValuePair<string, string>> { new("X-Amz-ChannelARN", channelArn) };
        if (clientId is not null)
        {
            parameters.Add(new("X-Amz-ClientId", clientId));
        }

        return new SigV4Signer().Presign(endpoint, parameters, credentials, "us-east-1", "kinesisvideo",
            signedAt ?? TimeProvider.System.GetUtcNow(), TimeSpan.FromSeconds(expiresSeconds)).Url;
    }

    public static async Task<SignalingTestSocket> ConnectAsync(RunningVigil vigil, SigV4Credentials credentials, string channelArn, string? clientId, CancellationToken cancellationToken, bool http2 = false) =>
        await ConnectAsync(vigil, PresignedUrl(vigil, credentials, channelArn, clientId), cancellationToken, http2: http2);

    public static async Task<SignalingTestSocket> ConnectAsync(RunningVigil vigil, string url, CancellationToken cancellationToken, string? subProtocol = null, bool http2 = false)
    {
        var (socket, invoker) = Create(vigil, subProtocol, http2);
        try
        {
            await socket.ConnectAsync(new Uri(url), invoker, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            invoker?.Dispose();
            throw;
        }

        return new SignalingTestSocket(socket, invoker);
    }

    /// <summary>Attempts a connection that must be refused; returns the HTTP status and x-amzn-ErrorType of the refusal.</summary>
    public static async Task<(HttpStatusCode Status, string? ErrorType)> RefusedAsync(RunningVigil vigil, string url, CancellationToken cancellationToken, bool http2 = false)
    {
        var (socket, invoker) = Create(vigil, null, http2);
        using (socket)
        using (invoker)
        {
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(url), invoker, cancellationToken));
            var type = socket.HttpResponseHeaders?.TryGetValue("x-amzn-ErrorType", out var values) == true ? values.Single() : null;
            return (socket.HttpStatusCode, type);
        }
    }

    private static (ClientWebSocket Socket, HttpMessageInvoker? Invoker) Create(RunningVigil vigil, string? subProtocol, bool http2)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (subProtocol is not null)
        {
            socket.Options.AddSubProtocol(subProtocol);
        }

        if (http2)
        {
            // HTTP/2 needs a handler of our own (the TLS settings move to it), and exactly HTTP/2: no fallback to 1.1.
            socket.Options.HttpVersion = HttpVersion.Version20;
            socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return (socket, new HttpMessageInvoker(VigilTrust.Handler(vigil.RootCertificate)));
        }

        var root = vigil.RootCertificate;
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is X509Certificate2 leaf && chain.Build(leaf);
        };
        return (socket, null);
    }

    public Task SendAsync(string json, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>The next text frame, exactly as sent.</summary>
    public async Task<string> ReceiveTextAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Wait);
        var buffer = new byte[64 * 1024];
        var count = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), timeout.Token);
            count += result.Count;
        }
        while (!result.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(buffer, 0, count);
    }

    public async Task<JsonElement> ReceiveAsync(CancellationToken cancellationToken) =>
        JsonDocument.Parse(await ReceiveTextAsync(cancellationToken)).RootElement;

    /// <summary>Waits for the server's close frame; returns its status and reason.</summary>
    public async Task<(WebSocketCloseStatus? Status, string? Reason, List<string> FramesBefore)> ReceiveCloseAsync(CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait ?? Wait);
        var frames = new List<string>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (result.CloseStatus, result.CloseStatusDescription, frames);
            }

            frames.Add(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
        _invoker?.Dispose();
    }

    public static string Payload(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    public static string Offer => Payload("""{"type":"offer","sdp":"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"}""");

    public static string Answer => Payload("""{"type":"answer","sdp":"v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\n"}""");

    public static string Candidate(int n) => Payload($$"""{"candidate":"candidate:{{n}} 1 udp 2122260223 127.0.0.1 5000{{n}} typ host","sdpMid":"0","sdpMLineIndex":0}""");
}
