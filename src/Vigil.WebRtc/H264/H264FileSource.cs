using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Vigil.WebRtc.H264;

/// <summary>
/// Plays an H.264 Annex-B file in real time at a fixed frame rate, looping it: a stand-in camera for tests,
/// demos and load runs.
/// </summary>
/// <remarks>
/// The file is read once into memory. Timestamps come from a frame counter (n / fps) and keep increasing across
/// loops, so the receiver sees one continuous stream (irregular timestamps make Chromium's playout lag,
/// pion/webrtc #2427). Loop the file only if it starts with an IDR with parameter sets (ffmpeg with
/// <c>repeat-headers=1</c> and a fixed GOP does).
/// Frames are paced by a dedicated thread and handed over without a thread-pool hop: the consumer's
/// loop body runs on that thread (keep it non-blocking). A timer per frame would cost a thread-pool
/// dispatch per frame, a share of the per-stream CPU budget measured in docs/benchmarks.md.
/// </remarks>
public sealed class H264FileSource
{
    private readonly string _path;
    private readonly double _framesPerSecond;
    private readonly TimeProvider _time;
    private readonly bool _loop;

    /// <summary>Creates a source for <paramref name="path"/>.</summary>
    /// <param name="path">An Annex-B file (ffmpeg <c>-f h264</c>).</param>
    /// <param name="framesPerSecond">Playback rate.</param>
    /// <param name="timeProvider">Clock used for pacing; the system clock when null.</param>
    /// <param name="loop">Start again at the end of the file.</param>
    public H264FileSource(string path, double framesPerSecond, TimeProvider? timeProvider = null, bool loop = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(framesPerSecond, 0);
        _path = path;
        _framesPerSecond = framesPerSecond;
        _time = timeProvider ?? TimeProvider.System;
        _loop = loop;
    }

    /// <summary>Yields the access units paced at the frame rate until cancelled (or the end, without looping).</summary>
    /// <param name="cancellationToken">Stops playback.</param>
    /// <exception cref="InvalidDataException">The file holds no access unit.</exception>
    public async IAsyncEnumerable<TimedAccessUnit> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var units = new List<H264AccessUnit>();
        await using (var file = File.OpenRead(_path))
        {
            await foreach (var unit in H264AccessUnitReader.ReadAsync(file, cancellationToken))
            {
                units.Add(unit);
            }
        }

        if (units.Count == 0)
        {
            throw new InvalidDataException($"{_path} holds no H.264 access unit.");
        }

        // Capacity 1 and synchronous continuations: the reader's continuation runs on the pacing thread.
        var channel = Channel.CreateBounded<TimedAccessUnit>(new BoundedChannelOptions(1)
        {
            SingleReader = true,
            SingleWriter = true,
            AllowSynchronousContinuations = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pacer = new Thread(() => Pace(units, channel.Writer, stop.Token)) { IsBackground = true, Name = "vigil-h264-source" };
        pacer.Start();
        try
        {
            await foreach (var unit in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return unit;
            }
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    private void Pace(List<H264AccessUnit> units, ChannelWriter<TimedAccessUnit> writer, CancellationToken cancellationToken)
    {
        // No spinning before a wait: the waits are ~33 ms, and spinning (sched_yield) on a busy machine
        // costs more than the whole send path of a frame.
        using var idle = new ManualResetEventSlim(false, spinCount: 0);
        var start = _time.GetTimestamp();
        long frame = 0;
        try
        {
            do
            {
                foreach (var unit in units)
                {
                    var due = TimeSpan.FromSeconds(frame / _framesPerSecond);
                    var wait = due - _time.GetElapsedTime(start);
                    if (wait > TimeSpan.Zero)
                    {
                        Sleep(idle, wait, cancellationToken);
                    }

                    var item = new TimedAccessUnit(unit, due);
                    while (!writer.TryWrite(item))
                    {
                        // The consumer is still busy with the previous frame: wait for room.
                        if (!Wait(writer.WaitToWriteAsync(cancellationToken)))
                        {
                            return;
                        }
                    }

                    frame++;
                }
            }
            while (_loop && !cancellationToken.IsCancellationRequested);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// Waits on the pacing thread. With the system clock a timed wait on an event nobody sets is the
    /// cheapest sleep; any other TimeProvider (a fake clock in tests) drives the wait through its own timer.
    private void Sleep(ManualResetEventSlim idle, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(_time, TimeProvider.System))
        {
            idle.Wait(wait, cancellationToken);
            return;
        }

        idle.Reset();
        using var timer = _time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), idle, wait, Timeout.InfiniteTimeSpan);
        idle.Wait(cancellationToken);
    }

    // Blocks this dedicated thread until the ValueTask completes (the banned APIs are about pool threads).
    private static bool Wait(ValueTask<bool> pending)
    {
        if (!pending.IsCompleted)
        {
            using var ready = new ManualResetEventSlim(false, spinCount: 0);
            pending.GetAwaiter().UnsafeOnCompleted(ready.Set);
            ready.Wait();
        }

        return pending.GetAwaiter().GetResult();
    }
}
