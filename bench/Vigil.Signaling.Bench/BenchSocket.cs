using System.Net.WebSockets;
using System.Text;
using Vigil.SigV4;

namespace Vigil.Signaling.Bench;

/// <summary>One signaling WebSocket of the load generator, with a receive loop that reports each frame.</summary>
internal sealed class BenchSocket : IAsyncDisposable
{
    private static readonly SigV4Signer Signer = new();

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _send = new(1, 1);

    private BenchSocket(ClientWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    public static async Task<BenchSocket> ConnectAsync(VigilServerProcess server, SigV4Credentials credentials, string arn, string? clientId, CancellationToken cancellationToken)
    {
        var endpoint = new Uri($"wss://localhost:{server.HttpsPort}/signaling/{(clientId is null ? "master" : "viewer")}");
        var parameters = new List<KeyValuePair<string, string>> { new("X-Amz-ChannelARN", arn) };
        if (clientId is not null)
        {
            parameters.Add(new("X-Amz-ClientId", clientId));
        }

        var url = Signer.Presign(endpoint, parameters, credentials, "us-east-1", "kinesisvideo", TimeProvider.System.GetUtcNow(), TimeSpan.FromSeconds(299)).Url;
        var socket = new ClientWebSocket();
        var trust = server.TrustRoot().CertificateChainPolicy!;
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain { ChainPolicy = trust };
            return certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 leaf && chain.Build(leaf);
        };
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await socket.ConnectAsync(new Uri(url), cancellationToken);
        return new BenchSocket(socket);
    }

    public async Task SendAsync(string json, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        await _send.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Calls <paramref name="onFrame"/> with each text frame until the socket closes or <paramref name="cancellationToken"/> fires.</summary>
    public async Task ReceiveLoopAsync(Action<string> onFrame, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                    count += result.Count;
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                onFrame(Encoding.UTF8.GetString(buffer, 0, count));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
            }
        }

        _socket.Dispose();
        _send.Dispose();
    }
}
