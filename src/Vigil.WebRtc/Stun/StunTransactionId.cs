using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Vigil.WebRtc.Stun;

/// The 96-bit transaction id of RFC 8489 §5, as a value type usable as a dictionary key.
internal readonly record struct StunTransactionId(ulong High, uint Low)
{
    public const int Length = 12;

    /// RFC 8489 §5: "uniformly and randomly chosen from the interval 0 .. 2**96-1" with a
    /// cryptographically strong generator (§6.1 suggests it; ICE uses the ids against spoofing).
    public static StunTransactionId NewRandom()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return Read(bytes);
    }

    public static StunTransactionId Read(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt32BigEndian(source[8..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Low);
    }

    public override string ToString() => $"{High:x16}{Low:x8}";
}
