using Vigil.WebRtc.H264;

namespace Vigil.WebRtc.Tests.Interop;

/// Streams a clip in real time into a track until stopped (the camera agent's loop, in small).
internal sealed class MediaPump : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;

    public MediaPump(VideoTrack track, string clipPath, double fps)
    {
        var source = new H264FileSource(clipPath, fps);
        _task = Task.Run(async () =>
        {
            try
            {
                await foreach (var unit in source.ReadAsync(_stop.Token))
                {
                    await track.WriteAsync(unit.AccessUnit, unit.Timestamp, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _task;
        _stop.Dispose();
    }
}
