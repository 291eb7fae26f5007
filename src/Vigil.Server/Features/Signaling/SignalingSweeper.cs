using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Signaling;

/// <summary>Runs <see cref="SignalingHub.Sweep"/> periodically, and tells every client to go away when the server stops.</summary>
internal sealed class SignalingSweeper(SignalingHub hub, IOptions<SignalingOptions> options, TimeProvider time, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // ApplicationStopping fires before Kestrel waits for requests to finish: the WebSocket loops end
        // promptly instead of being aborted at the end of Server:ShutdownTimeout.
        using var registration = lifetime.ApplicationStopping.Register(hub.Shutdown);
        using var timer = new PeriodicTimer(Period(options.Value), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                hub.Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>A quarter of the shortest deadline, between 100 ms and 5 s: timeouts fire at most 25 % late.</summary>
    internal static TimeSpan Period(SignalingOptions options)
    {
        var shortest = options.IdleTimeout;
        if (options.GoAwayGrace > TimeSpan.Zero && options.GoAwayGrace < shortest)
        {
            shortest = options.GoAwayGrace;
        }

        if (options.MaxConnectionDuration < shortest)
        {
            shortest = options.MaxConnectionDuration;
        }

        var quarter = shortest / 4;
        return quarter < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100)
            : quarter > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5)
            : quarter;
    }
}
