using System.Diagnostics;

namespace Vigil.Fuzz.Tests.Support;

/// <summary>
/// Runs a harness on mutated corpus inputs for a fixed time on a worker thread of its own, watched from
/// the caller: an exception is a crash; an input still running after the hang limit is a hang when it
/// does not finish within ten times the limit, or when it finishes but runs past the limit again when
/// timed alone after the run (so a machine busy with other tests does not turn a slow moment into a
/// finding).
/// </summary>
internal static class MutationFuzzer
{
    public static async Task<(long Executions, FuzzFinding? Finding)> RunAsync(FuzzHarness harness, IReadOnlyList<byte[]> corpus, FuzzSettings settings, CancellationToken cancellationToken)
    {
        var worker = new Worker(harness, new Mutator(corpus, new Random(settings.Seed), settings.MaxInputLength), settings.Duration);
        var thread = new Thread(worker.Run) { IsBackground = true, Name = "fuzz worker" };
        thread.Start();

        var suspects = new List<byte[]>();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!worker.Done)
        {
            await tick.WaitForNextTickAsync(cancellationToken);
            if (worker.Current is not { } current || Stopwatch.GetElapsedTime(current.Started) < settings.HangLimit)
            {
                continue;
            }

            // Past the limit: give it ten times as long before calling it a hang.
            var grace = Stopwatch.StartNew();
            while (ReferenceEquals(worker.Current, current) && grace.Elapsed < settings.HangLimit * 10)
            {
                await tick.WaitForNextTickAsync(cancellationToken);
            }

            if (ReferenceEquals(worker.Current, current))
            {
                worker.Stop();
                return (worker.Executions, new FuzzFinding("hang", current.Input, null, Stopwatch.GetElapsedTime(current.Started)));
            }

            suspects.Add(current.Input);
        }

        if (worker.Crash is { } crash)
        {
            return (worker.Executions, crash);
        }

        foreach (var input in suspects)
        {
            if (RunAlone(harness, input, settings.HangLimit) is { } finding)
            {
                return (worker.Executions, finding);
            }
        }

        return (worker.Executions, null);
    }

    /// <summary>Runs one input on a thread of its own: null when it passed within the limit, else the finding.</summary>
    public static FuzzFinding? RunAlone(FuzzHarness harness, byte[] input, TimeSpan hangLimit)
    {
        Exception? thrown = null;
        var clock = Stopwatch.StartNew();
        var thread = new Thread(() =>
        {
            try
            {
                harness(input);
            }
#pragma warning disable CA1031 // Any exception out of a harness is the finding.
            catch (Exception e)
#pragma warning restore CA1031
            {
                thrown = e;
            }
        })
        { IsBackground = true, Name = "fuzz replay" };
        thread.Start();
        if (!thread.Join(hangLimit))
        {
            // Past the limit once; a hang if it is still running after ten times as long.
            var finished = thread.Join(hangLimit * 9);
            return new FuzzFinding(finished ? "slow" : "hang", input, null, clock.Elapsed);
        }

        return thrown is null ? null : new FuzzFinding("crash", input, thrown, clock.Elapsed);
    }

    private sealed record Running(byte[] Input, long Started);

    private sealed class Worker(FuzzHarness harness, Mutator mutator, TimeSpan duration)
    {
        private volatile Running? _current;
        private volatile bool _done;
        private volatile bool _stop;
        private long _executions;

        public Running? Current => _current;

        public bool Done => _done;

        public long Executions => Interlocked.Read(ref _executions);

        public FuzzFinding? Crash { get; private set; }

        public void Stop() => _stop = true;

        public void Run()
        {
            var clock = Stopwatch.StartNew();
            try
            {
                while (!_stop && clock.Elapsed < duration)
                {
                    var input = mutator.Next();
                    var running = new Running(input, Stopwatch.GetTimestamp());
                    _current = running;
                    try
                    {
                        harness(input);
                    }
#pragma warning disable CA1031 // Any exception out of a harness is the finding.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        Crash = new FuzzFinding("crash", input, e, Stopwatch.GetElapsedTime(running.Started));
                        return;
                    }

                    _current = null;
                    Interlocked.Increment(ref _executions);
                }
            }
            finally
            {
                _current = null;
                _done = true;
            }
        }
    }
}
