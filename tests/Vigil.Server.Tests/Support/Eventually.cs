namespace Vigil.Server.Tests.Support;

/// <summary>
/// Waits for a condition that another process or a background service makes true (an event
/// stored, a mail delivered), checking it often, and fails with a message after a deadline.
/// </summary>
internal static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, CancellationToken cancellationToken)
        where T : class
    {
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

            await Task.Delay(50, cancellationToken);
        }
    }

    public static Task WaitAsync(Func<Task<bool>> probe, TimeSpan timeout, string what, CancellationToken cancellationToken) =>
        WaitAsync<object>(async () => await probe() ? new object() : null, timeout, what, cancellationToken);
}
