using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Vigil.Agent.Media;

/// <summary>
/// One ffmpeg child process: its stdout is the media, its stdin (for an encoder) the raw pictures, and
/// every line it writes to stderr goes to the agent's log with ffmpeg's own level (<c>-loglevel level+info</c>):
/// errors as warnings, warnings as information, the rest as debug. Camera passwords are removed first.
/// It also remembers what a failure summary needs: the last error line and the input's video codec.
/// </summary>
internal sealed partial class FfmpegProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly Func<string, string> _redact;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _inputCodec = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _name;
    private bool _inInput;
    private string? _lastError;
    private int? _exitCode;

    private FfmpegProcess(Process process, string name, ILogger logger, Func<string, string> redact)
    {
        _process = process;
        _name = name;
        _logger = logger;
        _redact = redact;
    }

    /// <summary>The media ffmpeg writes (<c>pipe:1</c>).</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>What ffmpeg reads (<c>pipe:0</c>), for an encoder.</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>The exit code, once it exited.</summary>
    public int? ExitCode => _exitCode;

    /// <summary>Completes with the exit code.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>The input's video codec as ffmpeg names it (<c>h264</c>, <c>hevc</c>...), once ffmpeg has printed it.</summary>
    public Task<string> InputVideoCodec => _inputCodec.Task;

    /// <summary>The last line ffmpeg logged as an error (passwords removed), if any.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Starts ffmpeg. <paramref name="executable"/> is a path or a name looked up on PATH.</summary>
    /// <exception cref="SourceException">ffmpeg is not installed or cannot be run.</exception>
    public static FfmpegProcess Start(string executable, IReadOnlyList<string> arguments, string name, ILogger logger, Func<string, string> redact)
    {
        var info = new ProcessStartInfo(executable)
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

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var ffmpeg = new FfmpegProcess(process, name, logger, redact);
        process.ErrorDataReceived += (_, e) => ffmpeg.OnStderr(e.Data);
        process.Exited += (_, _) => _ = ffmpeg.OnExitedAsync(process.ExitCode);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new SourceException($"ffmpeg could not be started ({executable}: {e.Message}); install the Debian package ffmpeg or set VIGIL_AGENT_FFMPEG");
        }

        process.BeginErrorReadLine();
        Log.Started(logger, name, process.Id);
        return ffmpeg;
    }

    /// <summary>Closes ffmpeg's stdin: an encoder then writes what it holds and exits.</summary>
    public void CompleteInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It is gone already.
        }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Exited in between.
        }
    }

    /// <summary>Stops ffmpeg (killed if still running) and waits for it, briefly.</summary>
    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(5)));
        // Process.Dispose leaves open the streams it handed out (StandardInput, StandardOutput): closed here,
        // or each run of ffmpeg would hold two pipes until a finalizer ran.
        try
        {
            _process.StandardInput.Dispose();
        }
        catch (IOException)
        {
            // Broken pipe on close: ffmpeg is gone.
        }

        _process.StandardOutput.Dispose();
        _process.Dispose();
    }

    /// <summary>
    /// The exit is often seen before the last lines of stderr were read, and the reason ffmpeg gave
    /// (the line that becomes <see cref="LastError"/>) is in them: <see cref="Exited"/> completes once
    /// stderr is closed too (or after 2 s, should a child of ffmpeg hold it open).
    /// </summary>
    private async Task OnExitedAsync(int code)
    {
        await Task.WhenAny(_stderrClosed.Task, Task.Delay(TimeSpan.FromSeconds(2)));
        _exitCode = code;
        _exited.TrySetResult(code);
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            _stderrClosed.TrySetResult();
            return;
        }

        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        line = _redact(line);
        var match = LevelPattern().Match(line);
        var level = match.Success ? match.Groups["level"].Value : "info";
        var text = match.Success ? match.Groups["text"].Value : line;
        if (text.StartsWith("Input #", StringComparison.Ordinal))
        {
            _inInput = true;
        }
        else if (text.StartsWith("Output #", StringComparison.Ordinal) || text.StartsWith("Stream mapping", StringComparison.Ordinal))
        {
            _inInput = false;
        }
        else if (_inInput && CodecPattern().Match(text) is { Success: true } codec)
        {
            _inputCodec.TrySetResult(codec.Groups["codec"].Value);
        }

        switch (level)
        {
            case "panic" or "fatal" or "error":
                Volatile.Write(ref _lastError, text.Trim());
                Log.Error(_logger, _name, text);
                break;
            case "warning":
                Log.Warning(_logger, _name, text);
                break;
            default:
                Log.Info(_logger, _name, text);
                break;
        }
    }

    // "[rtsp @ 0x55d0c] [error] method DESCRIBE failed" or "[info] Stream #0:0: ..." (ffmpeg -loglevel level+...).
    [GeneratedRegex(@"^(?:\[(?<component>[^\]]*@ 0x[0-9a-fA-F]+)\] )?\[(?<level>panic|fatal|error|warning|info|verbose|debug|trace)\] (?<text>.*)$")]
    private static partial Regex LevelPattern();

    [GeneratedRegex(@"^\s*Stream #\d+:\d+.*?: Video: (?<codec>[A-Za-z0-9_]+)")]
    private static partial Regex CodecPattern();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "{Name}: ffmpeg started (pid {Pid})")]
        public static partial void Started(ILogger logger, string name, int pid);

        [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "{Name}: ffmpeg: {Text}")]
        public static partial void Error(ILogger logger, string name, string text);

        [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "{Name}: ffmpeg: {Text}")]
        public static partial void Warning(ILogger logger, string name, string text);

        [LoggerMessage(EventId = 1404, Level = LogLevel.Debug, Message = "{Name}: ffmpeg: {Text}")]
        public static partial void Info(ILogger logger, string name, string text);
    }
}
