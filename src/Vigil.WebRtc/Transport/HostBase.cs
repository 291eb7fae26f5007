using System.Net;
using System.Net.Sockets;
using Vigil.WebRtc.Ice;

namespace Vigil.WebRtc.Transport;

/// A host candidate's base: its UDP socket.
internal sealed class HostBase(UdpEndpoint socket, IceCandidate candidate) : IceLocalBase
{
    public UdpEndpoint Socket { get; } = socket;

    public override IceCandidate Candidate { get; } = candidate;

    public override AddressFamily Family => Socket.Family;

    public override void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote) => Socket.Send(datagram, remote);
}
