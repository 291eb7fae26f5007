using System.Net;
using System.Net.Sockets;
using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Tests.Turn;

/// A scripted TURN server peer on a real loopback UDP socket: each request the client sends is
/// handed to the test's script, which returns the response (or null for silence). Lets tests
/// produce 401/438/403 and odd framing that a real server would not on demand.
internal sealed class ScriptedTurnServer : IDisposable
{
    public const string Realm = "example.org";
    public const string Username = "1735689600:camera01";
    public const string Password = "YU2S8b2q3XN16jAF7sERv7tqaQY=";

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public ScriptedTurnServer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public static byte[] Key { get; } = StunCredentials.LongTermKey(Username, Realm, Password);

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// The client's socket (the test passes datagrams between it and the TurnClient).
    public Socket Client { get; } = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public IPEndPoint ClientEndPoint => (IPEndPoint)Client.LocalEndPoint!;

    public List<StunMessage> Requests { get; } = [];

    public void SendFromClient(ReadOnlyMemory<byte> datagram) => Client.SendTo(datagram.Span, EndPoint);

    /// Receives the next request on the server socket (with a timeout).
    public async Task<StunMessage> NextRequestAsync(CancellationToken ct)
    {
        var buffer = new byte[2048];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var result = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, result.ReceivedBytes), out var message), "the client sent something that is not STUN");
        Requests.Add(message);
        return message;
    }

    /// Sends raw bytes from the server to the client socket.
    public void SendToClient(ReadOnlySpan<byte> datagram) => _socket.SendTo(datagram, ClientEndPoint);

    /// Receives what arrived on the client socket (with a timeout).
    public async Task<byte[]> ClientReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[2048];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var result = await Client.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return buffer[..result.ReceivedBytes];
    }

    public static byte[] Unauthorized(StunMessage request, string nonce) =>
        new StunMessageBuilder(request.Method, StunClass.ErrorResponse, request.TransactionId)
            .AddErrorCode(401, "Unauthorized").AddString(StunAttributeType.Realm, Realm).AddString(StunAttributeType.Nonce, nonce)
            .AddFingerprint().ToArray();

    public static byte[] StaleNonce(StunMessage request, string nonce) =>
        new StunMessageBuilder(request.Method, StunClass.ErrorResponse, request.TransactionId)
            .AddErrorCode(438, "Stale Nonce").AddString(StunAttributeType.Realm, Realm).AddString(StunAttributeType.Nonce, nonce)
            .AddFingerprint().ToArray();

    public static byte[] Error(StunMessage request, int code, string reason) =>
        new StunMessageBuilder(request.Method, StunClass.ErrorResponse, request.TransactionId)
            .AddErrorCode(code, reason).AddMessageIntegrity(Key).AddFingerprint().ToArray();

    public static byte[] Success(StunMessage request, Action<StunMessageBuilder>? attributes = null)
    {
        var builder = new StunMessageBuilder(request.Method, StunClass.SuccessResponse, request.TransactionId);
        attributes?.Invoke(builder);
        return builder.AddMessageIntegrity(Key).AddFingerprint().ToArray();
    }

    public static void AssertAuthenticated(StunMessage request, string nonce)
    {
        Assert.True(request.TryGetString(StunAttributeType.Username, out var username));
        Assert.Equal(Username, username);
        Assert.True(request.TryGetString(StunAttributeType.Realm, out var realm));
        Assert.Equal(Realm, realm);
        Assert.True(request.TryGetString(StunAttributeType.Nonce, out var sent));
        Assert.Equal(nonce, sent);
        Assert.True(request.VerifyMessageIntegrity(Key), "MESSAGE-INTEGRITY does not verify with the long-term key");
    }

    public void Dispose()
    {
        _socket.Dispose();
        Client.Dispose();
    }
}
