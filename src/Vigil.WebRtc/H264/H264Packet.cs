namespace Vigil.WebRtc.H264;

/// One planned RTP payload: which NAL units (by index into the packetizer's list) and, for FU-A,
/// which byte range of the NAL unit (offset is within the NAL unit, past its header byte).
internal readonly record struct H264Packet(H264PacketKind Kind, int FirstNal, int NalCount, int Offset, int Length, bool Start, bool End, bool Marker);
