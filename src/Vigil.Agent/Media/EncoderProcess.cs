using Microsoft.Extensions.Logging;

namespace Vigil.Agent.Media;

/// <summary>
/// One x264 ffmpeg of an <see cref="EncoderChain"/>: raw pictures in on stdin, FLV out on stdout. One
/// picture in gives one access unit out, in order (zerolatency: no lookahead, no B-frames; passthrough:
/// no frame dropped or doubled), so each output frame takes the timestamp of the picture it came from.
/// </summary>
internal sealed class EncoderProcess : IAsyncDisposable
{
    private readonly FfmpegProcess _ffmpeg;
    private readonly Queue<TimeSpan> _timestamps = new();
    private readonly Lock _gate = new();
    private Task _output = Task.CompletedTask;
    private bool _completing;

    private EncoderProcess(FfmpegProcess ffmpeg) => _ffmpeg = ffmpeg;

    /// <summary>Completes when every access unit has been passed on (or the process failed; see the task's exception).</summary>
    public Task Drained => _output;

    public bool HasExited => _ffmpeg.Exited.IsCompleted;

    public static EncoderProcess Start(string executable, StreamSettings settings, string name, ILogger logger) =>
        new(FfmpegProcess.Start(executable, FfmpegArguments.Encode(settings), name, logger, text => text));

    /// <summary>
    /// Starts passing on access units, after <paramref name="previous"/> (the encoder this one replaces)
    /// has passed on all of its own, so the stream stays in order across the switch.
    /// </summary>
    public void Activate(Task previous, int generation, Action<MediaFrame> publish, CancellationToken cancellationToken) =>
        _output = PumpAsync(previous, generation, publish, cancellationToken);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> picture, TimeSpan timestamp, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _timestamps.Enqueue(timestamp);
        }

        try
        {
            await _ffmpeg.Input.WriteAsync(picture, cancellationToken);
            await _ffmpeg.Input.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            throw new SourceException(Failure("stopped taking pictures"));
        }
    }

    /// <summary>No more pictures: ffmpeg encodes what it holds, writes it and exits.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completing = true;
        }

        _ffmpeg.CompleteInput();
    }

    public ValueTask DisposeAsync() => _ffmpeg.DisposeAsync();

    private async Task PumpAsync(Task previous, int generation, Action<MediaFrame> publish, CancellationToken cancellationToken)
    {
        // The encoder before this one normally drains within a frame; a stuck one is not waited for.
        await Task.WhenAny(previous, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken));
        await foreach (var frame in FlvStreamReader.ReadAsync(_ffmpeg.Output, new FlvVideoDemuxer(generation), cancellationToken))
        {
            TimeSpan timestamp;
            lock (_gate)
            {
                if (!_timestamps.TryDequeue(out timestamp))
                {
                    throw new SourceException("the x264 encoder returned more pictures than it was given");
                }
            }

            publish(frame with { Timestamp = timestamp });
        }

        bool expected;
        lock (_gate)
        {
            expected = _completing;
        }

        if (!expected)
        {
            await Task.WhenAny(_ffmpeg.Exited, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken));
            throw new SourceException(Failure("ended"));
        }
    }

    private string Failure(string what)
    {
        var code = _ffmpeg.ExitCode is { } exit ? $" (exit code {exit})" : string.Empty;
        return $"the x264 encoder (ffmpeg) {what}{code}" + (_ffmpeg.LastError is { } error ? ": " + error : string.Empty);
    }
}
