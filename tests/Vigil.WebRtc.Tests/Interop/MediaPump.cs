using System.Diagnostics;
using Vigil.WebRtc.H264;

namespace Vigil.WebRtc.Tests.Interop;

/// Streams a clip in real time into a track until stopped (the camera agent's loop, in small).
internal sealed class MediaPump : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;
    private long _longestGapTicks;

    public MediaPump(VideoTrack track, string clipPath, double fps)
    {
        var source = new H264FileSource(clipPath, fps);
        _task = Task.Run(async () =>
        {
            try
            {
                var last = 0L;
                await foreach (var unit in source.ReadAsync(_stop.Token))
                {
                    await track.WriteAsync(unit.AccessUnit, unit.Timestamp, _stop.Token);
                    var now = Stopwatch.GetTimestamp();
                    if (last != 0)
                    {
                        var gap = Stopwatch.GetElapsedTime(last, now).Ticks;
                        if (gap > Interlocked.Read(ref _longestGapTicks))
                        {
                            Interlocked.Exchange(ref _longestGapTicks, gap);
                        }
                    }

                    last = now;
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        });
    }

    /// The longest time between two written access units: when it is far above the frame
    /// interval, the host did not run the camera side in time (a Chromium freeze then starts here).
    public TimeSpan LongestGap => TimeSpan.FromTicks(Interlocked.Read(ref _longestGapTicks));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _task;
        _stop.Dispose();
    }
}
