namespace Vigil.Server.Features.Ingest;

/// <summary>How many accepted messages wait in the spool, and when the oldest of them was accepted.</summary>
internal readonly record struct SpoolStatistics(int Entries, DateTimeOffset? Oldest)
{
    public TimeSpan OldestAge(DateTimeOffset now) => Oldest is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;

    /// <summary>The time in a version 7 UUID (RFC 9562 §5.7: the first 48 bits are Unix milliseconds).</summary>
    public static DateTimeOffset TimeOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        long milliseconds = 0;
        for (var i = 0; i < 6; i++)
        {
            milliseconds = (milliseconds << 8) | bytes[i];
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }
}
