using System.Net;
using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Transport;

/// One server-reflexive gathering transaction: a plain Binding request from a host socket to a
/// STUN server (RFC 8445 §5.1.1.2), retransmitted per RFC 8489 §6.2.1 for a bounded time.
internal sealed class StunProbe
{
    public StunProbe(HostBase host, IPEndPoint server, string serverUri, TimeSpan rto, int maxRequests, TimeSpan now)
    {
        Host = host;
        Server = server;
        ServerUri = serverUri;
        Id = StunTransactionId.NewRandom();
        Request = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, Id).AddFingerprint().ToArray();
        Retransmission = new StunRetransmission(rto, maxRequests, lastWaitMultiplier: 4);
        Retransmission.Start(now);
        host.Socket.Send(Request, server);
    }

    public HostBase Host { get; }

    public IPEndPoint Server { get; }

    public string ServerUri { get; }

    public StunTransactionId Id { get; }

    public byte[] Request { get; }

    public StunRetransmission Retransmission { get; }

    public bool Done { get; set; }
}
