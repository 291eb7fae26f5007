namespace Vigil.TestSupport;

/// <summary>
/// Waits for a condition that another process, a background service or a socket makes true (an
/// event stored, a mail delivered, a packet answered), checking it often, and fails with a message
/// after a deadline. The one way tests poll.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns the first non-null value <paramref name="probe"/> gives.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>; the message names <paramref name="what"/>.</exception>
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, CancellationToken cancellationToken, TimeSpan? interval = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} did not happen within {timeout}");
            }

            await Task.Delay(interval ?? DefaultInterval, cancellationToken);
        }
    }

    /// <summary>Waits until <paramref name="probe"/> is true.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>; the message names <paramref name="what"/>.</exception>
    public static Task WaitAsync(Func<Task<bool>> probe, TimeSpan timeout, string what, CancellationToken cancellationToken, TimeSpan? interval = null) =>
        WaitAsync<object>(async () => await probe() ? new object() : null, timeout, what, cancellationToken, interval);

    /// <summary>Waits until <paramref name="condition"/> (checked in memory, no I/O) is true.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>; the message names <paramref name="what"/>.</exception>
    public static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken, TimeSpan? interval = null) =>
        WaitAsync<object>(() => Task.FromResult(condition() ? new object() : null), timeout, what, cancellationToken, interval);
}
