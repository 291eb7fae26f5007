namespace Vigil.WebRtc.H264;

/// Plans and writes the RTP payloads of H.264 access units (RFC 6184, packetization-mode 1).
/// Rules from the design (M7): AUD and filler are dropped; SPS and PPS go first, together in one
/// STAP-A that shares the access unit's timestamp (Chromium drops parameter sets arriving with
/// another timestamp — pion/rtp PR #112); the latest SPS/PPS are injected before an IDR that lacks
/// them; NAL units above the payload limit are split into FU-A fragments; the caller sets the
/// marker bit on the last packet of the access unit (§5.1).
internal sealed class H264Packetizer
{
    private readonly int _maxPayload;
    private readonly List<ReadOnlyMemory<byte>> _nals = [];
    private readonly List<H264Packet> _packets = [];
    private readonly List<ReadOnlyMemory<byte>> _split = [];
    private readonly List<ReadOnlyMemory<byte>> _parameterSets = [];
    private readonly List<ReadOnlyMemory<byte>> _others = [];
    private byte[]? _sps;
    private byte[]? _pps;

    public H264Packetizer(int maxPayload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, 64);
        _maxPayload = maxPayload;
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> NalUnits => _nals;

    public IReadOnlyList<H264Packet> Packets => _packets;

    public bool IsKeyframe { get; private set; }

    /// The most recent SPS seen in the stream (parsed), if any.
    public H264SequenceParameterSet? Sps { get; private set; }

    public void Prepare(ReadOnlyMemory<byte> annexB)
    {
        // Lists are reused across access units: this runs for every frame of every stream.
        _nals.Clear();
        _packets.Clear();
        _split.Clear();
        _parameterSets.Clear();
        _others.Clear();
        IsKeyframe = false;
        var parameterSets = _parameterSets;
        var others = _others;
        bool hasSps = false, hasPps = false;
        AnnexB.Split(annexB, _split);
        foreach (var nal in _split)
        {
            var type = H264NalUnitType.Of(nal.Span);
            switch (type)
            {
                case H264NalUnitType.AccessUnitDelimiter or H264NalUnitType.Filler:
                    break;
                case H264NalUnitType.Sps:
                    hasSps = true;
                    if (_sps is null || !nal.Span.SequenceEqual(_sps))
                    {
                        _sps = nal.ToArray();
                        if (H264SequenceParameterSet.TryParse(nal.Span, out var sps))
                        {
                            Sps = sps;
                        }
                    }

                    parameterSets.Add(nal);
                    break;
                case H264NalUnitType.Pps:
                    hasPps = true;
                    if (_pps is null || !nal.Span.SequenceEqual(_pps))
                    {
                        _pps = nal.ToArray();
                    }

                    parameterSets.Add(nal);
                    break;
                default:
                    IsKeyframe |= type == H264NalUnitType.Idr;
                    others.Add(nal);
                    break;
            }
        }

        if (IsKeyframe)
        {
            if (!hasSps && _sps is not null)
            {
                parameterSets.Insert(0, _sps);
            }

            if (!hasPps && _pps is not null)
            {
                parameterSets.Add(_pps);
            }
        }

        _nals.AddRange(parameterSets);
        _nals.AddRange(others);
        var index = 0;
        if (parameterSets.Count >= 2 && StapASize(parameterSets) <= _maxPayload)
        {
            _packets.Add(new H264Packet(H264PacketKind.StapA, 0, parameterSets.Count, 0, StapASize(parameterSets), true, true, false));
            index = parameterSets.Count;
        }

        for (; index < _nals.Count; index++)
        {
            var length = _nals[index].Length;
            if (length <= _maxPayload)
            {
                _packets.Add(new H264Packet(H264PacketKind.SingleNalUnit, index, 1, 0, length, true, true, false));
                continue;
            }

            // §5.8: the NAL header byte is not repeated; its F/NRI go to the FU indicator and its
            // type to the FU header, so the fragments carry bytes 1..end.
            var chunk = _maxPayload - 2;
            for (var offset = 1; offset < length; offset += chunk)
            {
                var size = Math.Min(chunk, length - offset);
                _packets.Add(new H264Packet(H264PacketKind.FuA, index, 1, offset, size, offset == 1, offset + size == length, false));
            }
        }

        if (_packets.Count > 0)
        {
            _packets[^1] = _packets[^1] with { Marker = true };
        }
    }

    /// Writes the payload of a planned packet; returns its length.
    public int Write(in H264Packet packet, Span<byte> destination)
    {
        switch (packet.Kind)
        {
            case H264PacketKind.SingleNalUnit:
                _nals[packet.FirstNal].Span.CopyTo(destination);
                return packet.Length;
            case H264PacketKind.StapA:
                {
                    // §5.7.1: STAP-A NAL header = F (OR of the units) | NRI (max of the units) | 24.
                    var f = 0;
                    var nri = 0;
                    var offset = 1;
                    for (var i = packet.FirstNal; i < packet.FirstNal + packet.NalCount; i++)
                    {
                        var nal = _nals[i].Span;
                        f |= nal[0] & 0x80;
                        nri = Math.Max(nri, nal[0] & 0x60);
                        destination[offset] = (byte)(nal.Length >> 8);
                        destination[offset + 1] = (byte)nal.Length;
                        nal.CopyTo(destination[(offset + 2)..]);
                        offset += 2 + nal.Length;
                    }

                    destination[0] = (byte)(f | nri | H264NalUnitType.StapA);
                    return offset;
                }

            default:
                {
                    var nal = _nals[packet.FirstNal].Span;
                    destination[0] = (byte)((nal[0] & 0xE0) | H264NalUnitType.FuA);
                    destination[1] = (byte)((packet.Start ? 0x80 : 0) | (packet.End ? 0x40 : 0) | (nal[0] & 0x1F));
                    nal.Slice(packet.Offset, packet.Length).CopyTo(destination[2..]);
                    return packet.Length + 2;
                }
        }
    }

    private static int StapASize(List<ReadOnlyMemory<byte>> nals)
    {
        var size = 1;
        foreach (var nal in nals)
        {
            size += 2 + nal.Length;
        }

        return size;
    }
}
