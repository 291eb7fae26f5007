using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Srtp;

namespace Vigil.WebRtc;

/// <summary>A snapshot of counters, in the spirit of <c>getStats()</c>.</summary>
public sealed record PeerConnectionStats
{
    /// <summary>Overall state.</summary>
    public PeerConnectionState State { get; init; }

    /// <summary>ICE agent state.</summary>
    public IceConnectionState IceState { get; init; }

    /// <summary>Type of our candidate in the selected pair, if any.</summary>
    public IceCandidateType? SelectedLocalCandidateType { get; init; }

    /// <summary>Type of the browser's candidate in the selected pair, if any.</summary>
    public IceCandidateType? SelectedRemoteCandidateType { get; init; }

    /// <summary>Our address in the selected pair (the relayed address for a relay candidate).</summary>
    public string? SelectedLocalAddress { get; init; }

    /// <summary>The browser's address in the selected pair.</summary>
    public string? SelectedRemoteAddress { get; init; }

    /// <summary>Latest round-trip time, from RTCP receiver reports or else from consent checks.</summary>
    public TimeSpan? RoundTripTime { get; init; }

    /// <summary>Negotiated SRTP profile, once DTLS is up.</summary>
    public SrtpProfile? SrtpProfile { get; init; }

    /// <summary>RTP packets sent, retransmissions included.</summary>
    public long PacketsSent { get; init; }

    /// <summary>RTP payload bytes sent (RTP headers and SRTP tags excluded, as in RTCP SR octet counts).</summary>
    public long PayloadBytesSent { get; init; }

    /// <summary>Access units sent.</summary>
    public long FramesSent { get; init; }

    /// <summary>IDR access units sent.</summary>
    public long KeyframesSent { get; init; }

    /// <summary>Access units dropped: not connected yet, or waiting for an IDR.</summary>
    public long FramesDropped { get; init; }

    /// <summary>RTCP NACK packets received.</summary>
    public long NacksReceived { get; init; }

    /// <summary>Sequence numbers the browser reported lost.</summary>
    public long NackedPackets { get; init; }

    /// <summary>Packets re-sent from the retransmission history.</summary>
    public long RetransmittedPackets { get; init; }

    /// <summary>RTCP PLI packets received.</summary>
    public long PlisReceived { get; init; }

    /// <summary>RTCP FIR requests received (distinct sequence numbers).</summary>
    public long FirsReceived { get; init; }

    /// <summary>RTCP receiver reports received.</summary>
    public long ReceiverReportsReceived { get; init; }

    /// <summary>RTCP sender reports sent.</summary>
    public long SenderReportsSent { get; init; }

    /// <summary>Fraction lost in the latest receiver report (0..1).</summary>
    public double? FractionLost { get; init; }

    /// <summary>Latest REMB estimate from the browser, bits per second.</summary>
    public ulong? EstimatedBitrate { get; init; }

    /// <summary>UDP datagrams received on the connection's sockets (STUN, DTLS, SRTCP, TURN).</summary>
    public long DatagramsReceived { get; init; }

    /// <summary>Consent-freshness requests answered by the browser.</summary>
    public long ConsentResponses { get; init; }
}
