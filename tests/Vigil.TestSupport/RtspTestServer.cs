using System.Globalization;

namespace Vigil.TestSupport;

/// <summary>
/// A real RTSP camera on loopback: GStreamer's RTSP server (Debian packages <c>gir1.2-gst-rtsp-server-1.0</c>,
/// <c>python3-gi</c>, <c>gstreamer1.0-plugins-ugly</c>, installed by <c>scripts/test-env/25-rtsp.sh</c>) serving a
/// live H.264 test picture with a fixed keyframe interval (<c>rtsp-camera.py</c> beside this assembly).
/// </summary>
public sealed class RtspTestServer : IAsyncDisposable
{
    private readonly ExternalProcess _process;

    private RtspTestServer(ExternalProcess process, string url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>The camera's URL, <c>rtsp://127.0.0.1:PORT/camera</c>.</summary>
    public string Url { get; }

    /// <summary>What the server logged.</summary>
    public string Output => _process.Output;

    /// <summary>Starts the camera and waits until it listens.</summary>
    /// <param name="port">TCP port on 127.0.0.1 (0: a free one).</param>
    /// <param name="gopSeconds">Seconds between keyframes.</param>
    /// <param name="width">Picture width.</param>
    /// <param name="height">Picture height.</param>
    /// <param name="fps">Frames per second.</param>
    /// <param name="bitrateKbps">x264 bitrate.</param>
    /// <param name="profile">H.264 profile of the stream (<c>constrained-baseline</c>, <c>main</c>, <c>high</c>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static async Task<RtspTestServer> StartAsync(int port = 0, double gopSeconds = 4, int width = 640, int height = 360, int fps = 30, int bitrateKbps = 1000,
        string profile = "constrained-baseline", CancellationToken cancellationToken = default)
    {
        var python = RequiredTool.Find("/usr/bin/python3", "python3-gi");
        var script = Path.Combine(AppContext.BaseDirectory, "rtsp-camera.py");
        var process = ExternalProcess.Start(python,
        [
            script, "--address", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--gop-seconds", gopSeconds.ToString(CultureInfo.InvariantCulture),
            "--width", width.ToString(CultureInfo.InvariantCulture), "--height", height.ToString(CultureInfo.InvariantCulture),
            "--fps", fps.ToString(CultureInfo.InvariantCulture), "--bitrate-kbps", bitrateKbps.ToString(CultureInfo.InvariantCulture), "--profile", profile,
        ]);
        try
        {
            var ready = await process.WaitForLineAsync(l => l.StartsWith("READY ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);
            return new RtspTestServer(process, ready["READY ".Length..].Trim());
        }
        catch (TimeoutException e)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException("The GStreamer RTSP test camera did not start (Debian packages gir1.2-gst-rtsp-server-1.0, python3-gi, " +
                "gstreamer1.0-plugins-ugly, gstreamer1.0-plugins-good; ./test.sh installs them): " + e.Message, e);
        }
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open, nothing is sent — a stalled camera.</summary>
    public Task PauseAsync() => Signal("-STOP");

    /// <summary>Lets a paused server run again (SIGCONT).</summary>
    public Task ResumeAsync() => Signal("-CONT");

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await ResumeAsync();
        await _process.DisposeAsync();
    }

    private async Task Signal(string signal)
    {
        if (!_process.Process.HasExited)
        {
            await ExternalProcess.RunAsync("kill", [signal, _process.Process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        }
    }
}
