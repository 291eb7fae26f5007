namespace Vigil.TestSupport;

/// <summary>
/// The system clock moved on by <see cref="Offset"/> (wall-clock time only; timestamps and timers run
/// as usual), so that a test can reach an expiry minutes away without waiting for it.
/// </summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
