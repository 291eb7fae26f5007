using System.Buffers;
using System.Net.Security;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.Contracts.Kvs.Signaling;
using Vigil.SigV4;

namespace Vigil.Agent.Signaling;

/// <summary>
/// The signaling WebSocket as master (aws-wire.md §2): opened with a SigV4-presigned URL carrying
/// <c>X-Amz-ChannelARN</c>, as the KVS SDKs build it; text frames of JSON both ways. Sends are
/// serialised (a WebSocket takes one at a time); pings every 20 s find a dead server.
/// </summary>
internal sealed class MasterSocket : IAsyncDisposable
{
    private const int MaxMessageBytes = 64 * 1024;
    private static readonly SigV4Signer Signer = new();
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);

    private MasterSocket(ClientWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    /// <exception cref="ServerUnreachableException">The server could not be reached.</exception>
    /// <exception cref="AgentException">The server refused the upgrade (the message says how).</exception>
    public static async Task<MasterSocket> ConnectAsync(ChannelEndpoints channel, SigV4Credentials credentials, string region, X509Certificate2 root,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var url = Signer.Presign(channel.Wss, [new("X-Amz-ChannelARN", channel.ChannelArn)], credentials, region, "kinesisvideo",
            time.GetUtcNow(), TimeSpan.FromSeconds(299));
        var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, root);
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(20);
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            await socket.ConnectAsync(new Uri(url.Url), timeout.Token);
            return new MasterSocket(socket);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            if (status == 0)
            {
                throw new ServerUnreachableException($"cannot open the signaling WebSocket at {channel.Wss.Authority}: {e.Message}");
            }

            throw new AgentException($"the signaling service refused the master connection ({(int)status} {status})");
        }
    }

    /// <summary>Yields each message until the server closes the socket or it breaks (then returns or throws <see cref="WebSocketException"/>).</summary>
    public async IAsyncEnumerable<SignalingServerMessage> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxMessageBytes);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == MaxMessageBytes)
                    {
                        throw new WebSocketException("a signaling message larger than 64 KiB");
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length, MaxMessageBytes - length), cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        yield break;
                    }

                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    continue;
                }

                SignalingServerMessage? message;
                try
                {
                    message = JsonSerializer.Deserialize(buffer.AsSpan(0, length), SignalingJsonContext.Default.SignalingServerMessage);
                }
                catch (JsonException)
                {
                    continue; // as the KVS SDKs do: a frame that does not parse is skipped
                }

                if (message is not null)
                {
                    yield return message;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends a message; false when the socket is not open (the message is lost, as a datagram would be).</summary>
    public async Task<bool> SendAsync(SignalingClientMessage message, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, SignalingJsonContext.Default.SignalingClientMessage);
        await _sending.WaitAsync(cancellationToken);
        try
        {
            if (_socket.State != WebSocketState.Open)
            {
                return false;
            }

            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            return true;
        }
        catch (WebSocketException)
        {
            return false;
        }
        finally
        {
            _sending.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Gone already.
            }
        }

        _socket.Dispose();
        _sending.Dispose();
    }

    /// The name must match as usual; the chain must end at the bundle's root (the system store is not consulted).
    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2 root)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
