namespace Vigil.WebRtc.H264;

/// Reads bits and Exp-Golomb codes (H.264 §9.1) from an RBSP. Reading past the end sets
/// <see cref="Overrun"/> instead of throwing, so parsers check it once at the end.
internal ref struct H264BitReader(ReadOnlySpan<byte> rbsp)
{
    private readonly ReadOnlySpan<byte> _data = rbsp;
    private int _bit;

    public bool Overrun { get; private set; }

    public uint ReadBits(int count)
    {
        uint value = 0;
        for (var i = 0; i < count; i++)
        {
            value = (value << 1) | ReadBit();
        }

        return value;
    }

    public uint ReadBit()
    {
        if (_bit >= _data.Length * 8)
        {
            Overrun = true;
            return 0;
        }

        var value = (uint)(_data[_bit >> 3] >> (7 - (_bit & 7))) & 1;
        _bit++;
        return value;
    }

    /// ue(v): leadingZeroBits zeros, a one, then leadingZeroBits bits.
    public uint ReadUnsignedExpGolomb()
    {
        var zeros = 0;
        while (ReadBit() == 0)
        {
            if (Overrun || ++zeros > 31)
            {
                Overrun = true;
                return 0;
            }
        }

        return (uint)((1L << zeros) - 1 + ReadBits(zeros));
    }

    /// se(v), §9.1.1.
    public int ReadSignedExpGolomb()
    {
        var k = ReadUnsignedExpGolomb();
        return (k & 1) != 0 ? (int)((k + 1) / 2) : -(int)(k / 2);
    }

    /// Removes emulation_prevention_three_byte (00 00 03 → 00 00), H.264 §7.4.1.
    public static byte[] ToRbsp(ReadOnlySpan<byte> nalPayload)
    {
        var result = new byte[nalPayload.Length];
        var length = 0;
        var zeros = 0;
        foreach (var b in nalPayload)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }

            zeros = b == 0 ? zeros + 1 : 0;
            result[length++] = b;
        }

        return result[..length];
    }
}
