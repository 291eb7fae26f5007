using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Vigil.Agent.Media;

/// <summary>
/// Keeps the source running and its frames flowing into the <see cref="LiveStream"/>: starts ffmpeg,
/// watches it, and when a run ends (ffmpeg missing or exiting, a refused or unreachable camera, a
/// stream that is not H.264, no frame for <see cref="StreamSettings.StallTimeout"/>) logs one line
/// naming the source and the reason, then starts it again after 1 s, 2, 4… up to 30 s (±20 %). Viewers
/// keep their connections meanwhile and pick up the new run at its first keyframe.
/// </summary>
internal sealed partial class SourceRunner(StreamSettings settings, LiveStream live, string ffmpeg, ILoggerFactory loggers, TimeProvider time)
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    /// <summary>A run that delivered frames this long starts the retry delays over.</summary>
    public static readonly TimeSpan HealthyRun = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = loggers.CreateLogger<SourceRunner>();
    private readonly SourceSpec _source = settings.Source;
    private long _lastFrame;
    private long _runFrames;

    private string Name => _source.DisplayName;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        var generation = 0;
        while (true)
        {
            generation++;
            live.BeginGeneration();
            var started = time.GetTimestamp();
            string reason;
            try
            {
                await RunOnceAsync(generation, cancellationToken);
                reason = "the stream ended";
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is SourceException or MediaFormatException or IOException)
            {
                reason = e.Message;
            }
            finally
            {
                live.SetKeyframeRequester(null);
            }

            if (Interlocked.Read(ref _runFrames) > 0 && time.GetElapsedTime(started) >= HealthyRun)
            {
                retry = FirstRetry;
            }

            var wait = retry * (RandomNumberGenerator.GetInt32(800, 1201) / 1000.0);
            Log.SourceFailed(_logger, Name, reason, wait.TotalSeconds);
            try
            {
                await Task.Delay(wait, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            retry = retry * 2 < LongestRetry ? retry * 2 : LongestRetry;
        }
    }

    private async Task RunOnceAsync(int generation, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _runFrames, 0);
        Interlocked.Exchange(ref _lastFrame, time.GetTimestamp());
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stalled = WatchAsync(run, cancellationToken);
        try
        {
            if (_source.IsEncodedByAgent)
            {
                await EncodeAsync(generation, run.Token);
            }
            else
            {
                await CopyAsync(generation, run.Token);
            }
        }
        catch (OperationCanceledException) when (stalled.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            throw new SourceException(await stalled);
        }
        finally
        {
            await run.CancelAsync();
        }
    }

    /// <summary>Cancels the run when no frame arrived for the stall timeout; returns the reason.</summary>
    private async Task<string> WatchAsync(CancellationTokenSource run, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
        try
        {
            while (await timer.WaitForNextTickAsync(run.Token))
            {
                var quiet = time.GetElapsedTime(Interlocked.Read(ref _lastFrame));
                if (quiet >= settings.StallTimeout)
                {
                    var what = Interlocked.Read(ref _runFrames) == 0 ? "no video arrived" : "the video stopped";
                    var reason = $"{what} for {settings.StallTimeout.TotalSeconds:0.#} s (the source stalled)";
                    await run.CancelAsync();
                    return reason;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended first.
        }

        cancellationToken.ThrowIfCancellationRequested();
        return "stopped";
    }

    private void Publish(MediaFrame frame)
    {
        if (Interlocked.Increment(ref _runFrames) == 1)
        {
            Log.SourceStarted(_logger, Name);
        }

        Interlocked.Exchange(ref _lastFrame, time.GetTimestamp());
        live.Publish(frame);
    }

    /// <summary>A file or RTSP camera: ffmpeg copies the H.264 into FLV, which is demuxed here.</summary>
    private async Task CopyAsync(int generation, CancellationToken cancellationToken)
    {
        await using var process = FfmpegProcess.Start(ffmpeg, FfmpegArguments.Copy(_source, settings), Name, _logger, Redaction.For(_source.Location));
        var demuxer = new FlvVideoDemuxer(generation);
        try
        {
            await foreach (var frame in FlvStreamReader.ReadAsync(process.Output, demuxer, cancellationToken))
            {
                Publish(frame);
            }
        }
        catch (MediaFormatException) when (NotH264(process) is { } codec)
        {
            throw new SourceException(NotH264Message(codec));
        }

        await Task.WhenAny(process.Exited, Task.Delay(TimeSpan.FromSeconds(5), time, cancellationToken));
        throw new SourceException(NotH264(process) is { } other ? NotH264Message(other) : Ended(process, "ffmpeg"));
    }

    /// <summary>The test pattern or a V4L2 camera: ffmpeg delivers raw pictures, which the encoder chain encodes.</summary>
    private async Task EncodeAsync(int generation, CancellationToken cancellationToken)
    {
        await using var capture = FfmpegProcess.Start(ffmpeg, FfmpegArguments.Capture(_source, settings), Name, _logger, text => text);
        await using var encoder = new EncoderChain(ffmpeg, settings, Name, generation, Publish, _logger, time);
        live.SetKeyframeRequester(_ => encoder.RequestKeyframe());
        var picture = new byte[settings.Width * settings.Height * 3 / 2];
        var clock = new FrameClock(settings.FrameRate, time);
        while (true)
        {
            try
            {
                await capture.Output.ReadExactlyAsync(picture, cancellationToken);
            }
            catch (EndOfStreamException)
            {
                await Task.WhenAny(capture.Exited, Task.Delay(TimeSpan.FromSeconds(5), time, cancellationToken));
                throw new SourceException(Ended(capture, "ffmpeg"));
            }

            await encoder.EncodeAsync(picture, clock.Next(), cancellationToken);
        }
    }

    private static string? NotH264(FfmpegProcess process) =>
        process.InputVideoCodec.IsCompletedSuccessfully && process.InputVideoCodec.GetAwaiter().GetResult() is var codec && codec != "h264" ? codec : null;

    private static string NotH264Message(string codec) =>
        $"the video is {codec}, not H.264 (the agent sends a camera's H.264 as it is: choose an H.264 stream or convert the file)";

    private static string Ended(FfmpegProcess process, string what) =>
        (process.ExitCode is { } code ? $"{what} exited with code {code}" : $"{what} stopped sending") +
        (process.LastError is { } error ? ": " + error : string.Empty);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Source {Source}: streaming")]
        public static partial void SourceStarted(ILogger logger, string source);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "Source {Source}: {Reason}; retrying in {Seconds:0.0} s")]
        public static partial void SourceFailed(ILogger logger, string source, string reason, double seconds);
    }
}
