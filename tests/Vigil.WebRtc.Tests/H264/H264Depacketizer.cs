namespace Vigil.WebRtc.Tests.H264;

/// A test-side RFC 6184 depacketizer (mode 1: single NAL, STAP-A, FU-A), written independently of
/// the packetizer so round trips can catch mistakes on either side.
internal sealed class H264Depacketizer
{
    private readonly List<byte> _fragment = [];
    private bool _inFragment;

    public List<byte[]> NalUnits { get; } = [];

    public void Push(ReadOnlySpan<byte> payload)
    {
        Assert.False(payload.IsEmpty);
        var type = payload[0] & 0x1F;
        switch (type)
        {
            case 24:
                var offset = 1;
                while (offset < payload.Length)
                {
                    Assert.True(offset + 2 <= payload.Length, "STAP-A size field truncated");
                    var size = (payload[offset] << 8) | payload[offset + 1];
                    Assert.True(offset + 2 + size <= payload.Length, "STAP-A unit truncated");
                    NalUnits.Add(payload.Slice(offset + 2, size).ToArray());
                    offset += 2 + size;
                }

                break;
            case 28:
                Assert.True(payload.Length > 2);
                var start = (payload[1] & 0x80) != 0;
                var end = (payload[1] & 0x40) != 0;
                Assert.Equal(0, payload[1] & 0x20); // R bit
                if (start)
                {
                    Assert.False(_inFragment, "FU-A start inside a fragment");
                    _fragment.Clear();
                    _fragment.Add((byte)((payload[0] & 0xE0) | (payload[1] & 0x1F)));
                    _inFragment = true;
                }

                Assert.True(_inFragment, "FU-A continuation without a start");
                _fragment.AddRange(payload[2..]);
                if (end)
                {
                    NalUnits.Add(_fragment.ToArray());
                    _inFragment = false;
                }

                break;
            default:
                Assert.InRange(type, 1, 23);
                NalUnits.Add(payload.ToArray());
                break;
        }
    }
}
