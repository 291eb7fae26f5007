using System.Net;
using System.Net.Sockets;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Tests.Ice;

/// A local base that records what the agent sends instead of using a socket, for the sans-IO
/// ICE agent tests (the socket path is covered by the loopback and Chromium tests).
internal sealed class FakeIceBase(string address, int port, IceCandidateType type = IceCandidateType.Host) : IceLocalBase
{
    public List<(byte[] Datagram, IPEndPoint Remote)> Sent { get; } = [];

    public override IceCandidate Candidate { get; } =
        new("1", 1, "udp", IcePriority.Candidate(type, 65535), address, port, type);

    public override AddressFamily Family => IPAddress.Parse(address).AddressFamily;

    public IPEndPoint EndPoint => new(IPAddress.Parse(address), port);

    public Func<IPEndPoint, bool> Ready { get; set; } = _ => true;

    public override void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote) => Sent.Add((datagram.ToArray(), remote));

    public override bool PrepareFor(IPEndPoint remote) => Ready(remote);

    public List<StunMessage> Messages(StunClass? cls = null) =>
        Sent.Select(s => StunMessage.TryParse(s.Datagram, out var m) ? m : throw new InvalidOperationException("not STUN"))
            .Where(m => cls is null || m.Class == cls).ToList();

    public StunMessage Last() => Messages()[^1];
}
