using System.Net;

namespace Vigil.WebRtc.Ice;

/// A usable remote candidate: its signalled (or learned) description and resolved address.
internal sealed record IceRemoteCandidate(IceCandidate Candidate, IPEndPoint EndPoint)
{
    public uint Priority => Candidate.Priority;

    public IceCandidateType Type => Candidate.Type;
}
