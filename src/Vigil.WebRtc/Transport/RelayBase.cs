using System.Net;
using System.Net.Sockets;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Turn;

namespace Vigil.WebRtc.Transport;

/// A relay candidate's base: a TURN allocation reached through one of our host sockets. Sending
/// to a peer wraps the datagram in ChannelData when a channel is bound, else in a Send
/// indication; checks wait until the peer's IP has a permission (RFC 8445 §7.2.1, RFC 8656 §9).
internal sealed class RelayBase(UdpEndpoint socket, TurnClient turn, IceCandidate candidate, Func<TimeSpan> clock) : IceLocalBase
{
    public UdpEndpoint Socket { get; } = socket;

    public TurnClient Turn { get; } = turn;

    public override IceCandidate Candidate { get; } = candidate;

    public override AddressFamily Family => AddressFamily.InterNetwork;

    public override void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        Span<byte> wrapped = stackalloc byte[datagram.Length + TurnFraming.MaxSendIndicationOverhead];
        Socket.Send(wrapped[..TurnFraming.Write(wrapped, Turn.ChannelFor(remote), remote, datagram)], Turn.Server);
    }

    public override bool PrepareFor(IPEndPoint remote)
    {
        if (Turn.HasPermission(remote.Address))
        {
            return true;
        }

        Turn.RequestPermission(remote.Address, clock());
        return false;
    }
}
