using System.Net;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Turn;

namespace Vigil.WebRtc.Transport;

/// An immutable snapshot of where media goes: the selected pair's socket and peer, and for a
/// relayed pair the TURN server and channel. The media thread reads it without locks; the event
/// loop replaces it when the selection or the channel binding changes.
internal sealed class MediaPath
{
    private readonly UdpEndpoint _socket;
    private readonly SocketAddress _destination;
    private readonly IPEndPoint _peer;
    private readonly ushort? _channel;
    private readonly bool _relayed;

    public MediaPath(IceCandidatePair pair)
    {
        Pair = pair;
        _peer = pair.Remote.EndPoint;
        switch (pair.Local)
        {
            case RelayBase relay:
                _socket = relay.Socket;
                _destination = relay.Turn.Server.Serialize();
                _channel = relay.Turn.ChannelFor(_peer);
                _relayed = true;
                break;
            case HostBase host:
                _socket = host.Socket;
                _destination = _peer.Serialize();
                break;
            default:
                throw new ArgumentException("Unknown base type.", nameof(pair));
        }
    }

    public IceCandidatePair Pair { get; }

    public bool UsesChannel => _channel is not null;

    public void Send(ReadOnlySpan<byte> datagram)
    {
        if (!_relayed)
        {
            _socket.Send(datagram, _destination);
            return;
        }

        Span<byte> wrapped = stackalloc byte[datagram.Length + TurnFraming.MaxSendIndicationOverhead];
        _socket.Send(wrapped[..TurnFraming.Write(wrapped, _channel, _peer, datagram)], _destination);
    }

    /// Adds a datagram to <paramref name="batch"/>, framed for this path as <see cref="Send"/>
    /// would (slots need room for <see cref="TurnFraming.MaxSendIndicationOverhead"/> more bytes).
    /// Batches go out with <see cref="Flush"/> on the same path, since the framing belongs to it.
    public void Add(UdpBatch batch, ReadOnlySpan<byte> datagram)
    {
        if (!_relayed)
        {
            batch.Add(datagram);
            return;
        }

        batch.Commit(TurnFraming.Write(batch.NextSlot(), _channel, _peer, datagram));
    }

    /// Sends the batch (one sendmmsg on Linux) and empties it.
    public void Flush(UdpBatch batch) => _socket.Send(batch, _destination);
}
