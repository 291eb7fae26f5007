using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Signaling.Stun;

/// <summary>
/// The built-in STUN server (RFC 8489 Binding over UDP, IPv4 and IPv6) that tells WebRTC peers their
/// public address. Runs with <c>vigil serve</c> on <c>Signaling:StunPort</c> (3478) of <c>Server:ListenAddress</c>.
/// It keeps no state and answers with a response barely larger than the request, so it is no useful
/// amplifier; it never answers anything but a well-formed Binding request.
/// </summary>
internal sealed partial class StunServer(IOptions<SignalingOptions> options, IOptions<ServerOptions> server, ILogger<StunServer> logger) : BackgroundService
{
    private readonly List<Socket> _sockets = [];

    /// <summary>The UDP port bound (useful when <c>Signaling:StunPort</c> is 0); 0 until started or when disabled.</summary>
    public int Port { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.StunEnabled)
        {
            return Task.CompletedTask;
        }

        var port = options.Value.StunPort;
        try
        {
            foreach (var address in Addresses(server.Value.ListenAddress))
            {
                var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                _sockets.Add(socket);
                if (address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }

                socket.Bind(new IPEndPoint(address, port));
                // With port 0 the first socket picks a free port and the others (localhost: ::1) take the same one.
                port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            }
        }
        catch (SocketException e)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }

            _sockets.Clear();
            throw new StartupException(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"UDP port {options.Value.StunPort} is already in use (Signaling:StunPort); stop the other STUN server or choose another port"
                : $"cannot open the STUN server on UDP port {options.Value.StunPort} (Signaling:StunPort, Server:ListenAddress): {e.Message}", e);
        }

        Port = port;
        Log.Listening(logger, string.Join(", ", _sockets.Select(s => s.LocalEndPoint)));
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_sockets.Select(socket => ServeAsync(socket, stoppingToken)));

    public override void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        base.Dispose();
    }

    private async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        var receive = new byte[2048];
        var send = new byte[StunResponseWriter.MaxLength];
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(receive, SocketFlags.None, any, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                // ICMP port unreachable from an earlier answer, or an oversized datagram: not our problem.
                continue;
            }

            var source = (IPEndPoint)received.RemoteEndPoint;
            var length = Answer(receive.AsSpan(0, received.ReceivedBytes), source, send);
            if (length == 0)
            {
                continue;
            }

            try
            {
                await socket.SendToAsync(send.AsMemory(0, length), SocketFlags.None, source, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                Log.SendFailed(logger, source.ToString(), e.SocketErrorCode);
            }
        }
    }

    /// <summary>The response to <paramref name="packet"/> written into <paramref name="send"/>; 0 when it gets none.</summary>
    internal static int Answer(ReadOnlySpan<byte> packet, IPEndPoint source, Span<byte> send) =>
        StunBindingRequest.TryParse(packet, out var request) switch
        {
            StunParseResult.BindingRequest => StunResponseWriter.WriteSuccess(request, source, send),
            StunParseResult.UnknownAttributes => StunResponseWriter.WriteUnknownAttributes(request, send),
            _ => 0,
        };

    private static IEnumerable<IPAddress> Addresses(string listenAddress) => listenAddress switch
    {
        "*" => Socket.OSSupportsIPv6 ? [IPAddress.IPv6Any] : [IPAddress.Any],
        "localhost" => Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback],
        _ => [IPAddress.Parse(listenAddress)],
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 4140, Level = LogLevel.Information, Message = "STUN server listening on UDP {EndPoints}")]
        public static partial void Listening(ILogger logger, string endPoints);

        [LoggerMessage(EventId = 4141, Level = LogLevel.Debug, Message = "STUN answer to {Source} not sent: {Error}")]
        public static partial void SendFailed(ILogger logger, string source, SocketError error);
    }
}
