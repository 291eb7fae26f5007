namespace Vigil.WebRtc.Rtcp;

/// The RTCP messages a sender acts on, as parsed from a (possibly reduced-size) compound packet.
internal abstract record RtcpFeedback(uint SenderSsrc);

/// RFC 3550 §6.4.1 report block.
internal sealed record RtcpReportBlock(uint Ssrc, byte FractionLost, int CumulativeLost, uint HighestSequence, uint Jitter, uint LastSenderReport, uint DelaySinceLastSenderReport);

/// RFC 3550 §6.4.2 receiver report (and the report blocks of a sender report).
internal sealed record RtcpReceiverReport(uint SenderSsrc, IReadOnlyList<RtcpReportBlock> Blocks) : RtcpFeedback(SenderSsrc);

/// RFC 4585 §6.2.1 Generic NACK, expanded to the list of lost sequence numbers.
internal sealed record RtcpNack(uint SenderSsrc, uint MediaSsrc, IReadOnlyList<ushort> Lost) : RtcpFeedback(SenderSsrc);

/// RFC 4585 §6.3.1 Picture Loss Indication.
internal sealed record RtcpPli(uint SenderSsrc, uint MediaSsrc) : RtcpFeedback(SenderSsrc);

/// RFC 5104 §4.3.1 Full Intra Request; one entry per requested SSRC with its command sequence number.
internal sealed record RtcpFir(uint SenderSsrc, IReadOnlyList<(uint Ssrc, byte Sequence)> Entries) : RtcpFeedback(SenderSsrc);

/// draft-alvestrand-rmcat-remb: receiver estimated maximum bitrate.
internal sealed record RtcpRemb(uint SenderSsrc, ulong BitsPerSecond, IReadOnlyList<uint> Ssrcs) : RtcpFeedback(SenderSsrc);
