using Microsoft.Extensions.Logging;

namespace Vigil.Agent.Media;

/// <summary>
/// Encodes raw pictures with x264 in ffmpeg child processes and makes a keyframe on demand, which
/// ffmpeg's command line cannot: an IDR is forced by handing the next picture to a fresh encoder (kept
/// started and idle as a spare), whose first output is an IDR; the old one is told to finish. The
/// access units of the old encoder are passed on before those of the new one. Switches happen at most
/// once per <see cref="MinimumKeyframeInterval"/>, however many viewers ask.
/// </summary>
internal sealed partial class EncoderChain : IAsyncDisposable
{
    public static readonly TimeSpan MinimumKeyframeInterval = TimeSpan.FromSeconds(1);

    private readonly string _executable;
    private readonly StreamSettings _settings;
    private readonly string _name;
    private readonly int _generation;
    private readonly Action<MediaFrame> _publish;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _retiring = [];
    private EncoderProcess _current;
    private Task<EncoderProcess>? _spare;
    private long _lastSwitch;
    private int _keyframeWanted;
    private long _forcedKeyframes;

    public EncoderChain(string executable, StreamSettings settings, string name, int generation, Action<MediaFrame> publish, ILogger logger, TimeProvider time)
    {
        _executable = executable;
        _settings = settings;
        _name = name;
        _generation = generation;
        _publish = publish;
        _logger = logger;
        _time = time;
        _current = EncoderProcess.Start(executable, settings, name, logger);
        _current.Activate(Task.CompletedTask, generation, publish, _stop.Token);
        _lastSwitch = time.GetTimestamp();
        _spare = StartSpare();
    }

    /// <summary>Keyframes made on request so far.</summary>
    public long ForcedKeyframes => Interlocked.Read(ref _forcedKeyframes);

    /// <summary>The current encoder's output; faults when it fails.</summary>
    public Task Drained => _current.Drained;

    /// <summary>Asks for an IDR at the next picture (or as soon as the rate limit allows).</summary>
    public void RequestKeyframe() => Volatile.Write(ref _keyframeWanted, 1);

    public async ValueTask EncodeAsync(ReadOnlyMemory<byte> picture, TimeSpan timestamp, CancellationToken cancellationToken)
    {
        if (_current.Drained.IsFaulted)
        {
            await _current.Drained; // throws its SourceException
        }

        if (Volatile.Read(ref _keyframeWanted) == 1 && _time.GetElapsedTime(_lastSwitch) >= MinimumKeyframeInterval && _spare is { IsCompleted: true } spare)
        {
            await SwitchAsync(await spare);
        }

        await _current.WriteAsync(picture, timestamp, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _current.Complete();
        var spare = _spare;
        _spare = null;
        if (spare is not null)
        {
            try
            {
                await (await spare).DisposeAsync();
            }
            catch (SourceException)
            {
                // It never started.
            }
        }

        await _current.DisposeAsync();
        await Task.WhenAll(_retiring);
        _stop.Dispose();
    }

    private async Task SwitchAsync(EncoderProcess next)
    {
        Volatile.Write(ref _keyframeWanted, 0);
        if (next.HasExited)
        {
            // A spare that died while idle is replaced; the keyframe waits for the next picture.
            await next.DisposeAsync();
            _spare = StartSpare();
            Volatile.Write(ref _keyframeWanted, 1);
            return;
        }

        var previous = _current;
        next.Activate(previous.Drained, _generation, _publish, _stop.Token);
        _current = next;
        _lastSwitch = _time.GetTimestamp();
        previous.Complete();
        Interlocked.Increment(ref _forcedKeyframes);
        Log.KeyframeForced(_logger, _name);
        _spare = StartSpare();

        _retiring.RemoveAll(t => t.IsCompleted);
        _retiring.Add(RetireAsync(previous));
    }

    /// <summary>The replaced encoder is let go (process reaped, pipes closed) as soon as it has passed on its last access unit.</summary>
    private static async Task RetireAsync(EncoderProcess encoder)
    {
        try
        {
            await encoder.Drained.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or SourceException or MediaFormatException or IOException or OperationCanceledException)
        {
            // Whatever it still held is dropped with it.
        }

        await encoder.DisposeAsync();
    }

    private Task<EncoderProcess> StartSpare() => Task.Run(() => EncoderProcess.Start(_executable, _settings, _name, _logger));

    private static partial class Log
    {
        [LoggerMessage(EventId = 1411, Level = LogLevel.Debug, Message = "{Name}: keyframe forced (a fresh encoder took over)")]
        public static partial void KeyframeForced(ILogger logger, string name);
    }
}
