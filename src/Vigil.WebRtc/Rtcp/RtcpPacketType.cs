namespace Vigil.WebRtc.Rtcp;

/// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611).
internal static class RtcpPacketType
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte Goodbye = 203;
    public const byte ApplicationDefined = 204;
    public const byte TransportFeedback = 205;
    public const byte PayloadFeedback = 206;
    public const byte ExtendedReport = 207;

    // FMT values.
    public const int GenericNack = 1;
    public const int PictureLossIndication = 1;
    public const int FullIntraRequest = 4;
    public const int ApplicationLayerFeedback = 15;

    /// RFC 5761 §4: with rtcp-mux, a second byte of 192..223 (PT 64..95 with the marker bit set)
    /// means RTCP; RTP payload types must avoid that range.
    public static bool IsRtcp(ReadOnlySpan<byte> packet) => packet.Length >= 2 && packet[1] is >= 192 and <= 223;
}
