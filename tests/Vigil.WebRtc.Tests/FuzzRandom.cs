namespace Vigil.WebRtc.Tests;

/// A seeded, reproducible pseudo-random source for fuzz inputs (xorshift64*). Not for secrets;
/// System.Random is banned in this repository, and a fixed seed makes a failing input replayable.
internal sealed class FuzzRandom(ulong seed)
{
    private ulong _state = seed == 0 ? 0x9E3779B97F4A7C15 : seed;

    public ulong NextUInt64()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1D;
    }

    /// Uniform in [min, max).
    public int Next(int min, int max) => min + (int)(NextUInt64() % (ulong)(max - min));

    public int Next(int max) => Next(0, max);

    public void NextBytes(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)NextUInt64();
        }
    }

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        NextBytes(bytes);
        return bytes;
    }
}
