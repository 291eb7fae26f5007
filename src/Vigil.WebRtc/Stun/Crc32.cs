namespace Vigil.WebRtc.Stun;

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) as used by the STUN FINGERPRINT
/// attribute (RFC 8489 §14.7, which points at ITU-T V.42 / ISO 3309). Check value of the ASCII
/// string "123456789" is 0xCBF43926.
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
