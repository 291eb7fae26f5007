namespace Vigil.Server.Features.Signaling.Stun;

/// <summary>CRC-32 (ISO/IEEE 802.3, reflected polynomial 0xEDB88320) for STUN FINGERPRINT (RFC 8489 §14.7).</summary>
internal static class StunCrc32
{
    private static readonly uint[] Table = Build();

    public static uint HashToUInt32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] Build()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
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
