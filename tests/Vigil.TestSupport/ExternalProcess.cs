using System.Diagnostics;
using System.Text;

namespace Vigil.TestSupport;

/// <summary>
/// A child process started by a test: its output lines are captured (for waiting on a readiness line
/// and for failure messages), and disposing it kills the whole process tree.
/// </summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    private const int MaxLines = 2000;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Predicate, TaskCompletionSource<string> Signal)> _waiters = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExternalProcess(Process process, string description)
    {
        Process = process;
        Description = description;
    }

    /// <summary>The running process.</summary>
    public Process Process { get; }

    /// <summary>Program and arguments, for messages.</summary>
    public string Description { get; }

    /// <summary>
    /// The raw standard output when the process was started with <c>binaryStdout: true</c>
    /// (e.g. ffmpeg writing a stream to <c>pipe:1</c>).
    /// </summary>
    public Stream StandardOutput => Process.StandardOutput.BaseStream;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> (no shell involved).</summary>
    /// <param name="fileName">Program path or name on PATH.</param>
    /// <param name="arguments">Arguments, passed verbatim.</param>
    /// <param name="binaryStdout">Leave stdout unread so the caller consumes it as a byte stream; only stderr is captured.</param>
    /// <param name="environment">Extra environment variables.</param>
    public static ExternalProcess Start(string fileName, IEnumerable<string> arguments, bool binaryStdout = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new ExternalProcess(process, fileName + " " + string.Join(' ', info.ArgumentList));
        process.ErrorDataReceived += (_, e) => result.OnLine(e.Data);
        if (!binaryStdout)
        {
            process.OutputDataReceived += (_, e) => result.OnLine(e.Data);
        }

        process.Exited += (_, _) => result._exited.TrySetResult();
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {result.Description}.");
        }

        process.BeginErrorReadLine();
        if (!binaryStdout)
        {
            process.BeginOutputReadLine();
        }

        return result;
    }

    /// <summary>Runs a program to completion and returns its exit code and combined output.</summary>
    /// <exception cref="TimeoutException">It did not finish within <paramref name="timeout"/>.</exception>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var result = await ProcessRunner.RunAsync(fileName, arguments, timeout: timeout, cancellationToken: cancellationToken);
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }

    /// <summary>Runs a program and throws (with its output) unless it exits with 0.</summary>
    public static async Task<string> RunCheckedAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var (code, output) = await RunAsync(fileName, arguments, timeout, cancellationToken);
        return code == 0 ? output : throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {code}:\n{output}");
    }

    /// <summary>Captured output lines so far (stdout and stderr interleaved, at most the last 2000).</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Waits until an output line (already seen or future) satisfies <paramref name="predicate"/>.</summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>, or the process exited first; the message holds the output.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var seen = _lines.FirstOrDefault(predicate);
            if (seen is not null)
            {
                return seen;
            }

            _waiters.Add((predicate, signal));
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var finished = await Task.WhenAny(signal.Task, _exited.Task, Task.Delay(Timeout.Infinite, timeoutSource.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        if (finished == signal.Task)
        {
            return await signal.Task;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var why = finished == _exited.Task ? $"exited with {Process.ExitCode}" : $"printed no such line within {timeout.TotalSeconds:0.#} s";
        throw new TimeoutException($"{Description} {why}. Output:\n{Output}");
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    /// <exception cref="TimeoutException">It is still running after <paramref name="timeout"/> (it is then killed).</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await Process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            throw new TimeoutException($"{Description} still ran after {timeout.TotalSeconds:0.#} s. Output:\n{Output}");
        }

        return Process.ExitCode;
    }

    /// <summary>Asks the process to stop with SIGTERM, as systemd or <c>docker stop</c> does (it may clean up first).</summary>
    public void Terminate() => Signal(Process, "-TERM");

    /// <summary>
    /// Stops any child process the way systemd does: SIGTERM, up to <paramref name="grace"/> to exit by
    /// itself, then a kill of its whole tree. The one place tests stop a process they started.
    /// </summary>
    /// <returns>True when it exited by itself within the grace period (false: it had to be killed).</returns>
    public static bool Stop(Process process, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.HasExited)
        {
            return true;
        }

        Signal(process, "-TERM");
        if (process.WaitForExit(grace))
        {
            return true;
        }

        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // It exited between the wait and the kill.
        }

        return false;
    }

    /// <summary>Sends a signal (<c>-TERM</c>, <c>-STOP</c>, <c>-CONT</c>, …) with <c>kill</c>; an exited process is left alone.</summary>
    public static void Signal(Process process, string signal)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.HasExited)
        {
            return;
        }

        using var kill = System.Diagnostics.Process.Start("kill", [signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Kills the process tree if it still runs.</summary>
    public void Kill()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Kills the process tree (if still running) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await Process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Leave it; nothing more we can do.
        }

        Process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>> fired = [];
        lock (_gate)
        {
            if (_lines.Count >= MaxLines)
            {
                _lines.RemoveAt(0);
            }

            _lines.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Predicate(line))
                {
                    fired.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var signal in fired)
        {
            signal.TrySetResult(line);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => new StringBuilder(Description).Append(" (pid ").Append(Process.Id).Append(')').ToString();
}
