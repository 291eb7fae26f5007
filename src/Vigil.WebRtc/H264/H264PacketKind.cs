namespace Vigil.WebRtc.H264;

/// RTP payload structures of packetization-mode 1 (RFC 6184 §5.4).
internal enum H264PacketKind
{
    /// §5.6: one whole NAL unit.
    SingleNalUnit,

    /// §5.7.1: several NAL units of the same timestamp, each prefixed with its 16-bit size.
    StapA,

    /// §5.8: a fragment of one NAL unit.
    FuA,
}
