using System.Runtime.CompilerServices;

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

        var start = _time.GetTimestamp();
        long frame = 0;
        do
        {
            foreach (var unit in units)
            {
                var due = TimeSpan.FromSeconds(frame / _framesPerSecond);
                var wait = due - _time.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken);
                }

                yield return new TimedAccessUnit(unit, due);
                frame++;
            }
        }
        while (_loop && !cancellationToken.IsCancellationRequested);
    }
}
