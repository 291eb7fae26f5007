namespace Vigil.Agent.Media;

/// <summary>One FLV tag (FLV spec 10.1 Annex E.4.1): its type, 32-bit millisecond timestamp and body.</summary>
internal readonly record struct FlvTag(byte Type, uint TimestampMilliseconds, ReadOnlyMemory<byte> Body)
{
    public const byte Audio = 8;
    public const byte Video = 9;
    public const byte Script = 18;
}
