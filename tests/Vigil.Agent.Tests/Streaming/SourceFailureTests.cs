using Vigil.Server.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Streaming;

/// <summary>
/// Sources that cannot work: each is one clear log line naming the source, retried with backoff, and
/// the camera stays online (MQTT presence) meanwhile. A camera password never reaches the log.
/// Real processes on loopback; no viewer is needed to see the source fail.
/// </summary>
public sealed class SourceFailureTests(SourceFailureTests.Server fixture) : IClassFixture<SourceFailureTests.Server>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One <c>vigil serve</c> with three cameras in its registry, shared by the tests (each runs its own camera).</summary>
    public sealed class Server : IAsyncLifetime
    {
        private static readonly string[] Cameras = ["CAM-BAD-1", "CAM-BAD-2", "CAM-BAD-3"];

        internal TempDirectory Data { get; } = new("bad-source");

        internal ServerProcess? Process { get; private set; }

        internal string Config { get; private set; } = string.Empty;

        public async ValueTask InitializeAsync()
        {
            // The HTTPS port is chosen before the claim bundle is written, so the cameras' signaling reaches this server.
            var settings = ServerProcess.SettingsFor(new Dictionary<string, string?> { ["VIGIL__Server__HttpsPort"] = VigilExecutable.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var store = Path.Combine(Data.Path, "vigil");
            var registry = Data.File("registry.csv");
            await File.WriteAllTextAsync(registry, "serial,secret,model\n" + string.Concat(Cameras.Select(c => $"{c},secret-{c},Cam\n")), Ct);
            Assert.Equal(0, (await VigilExecutable.RunAsync(store, ["registry", "import", registry], settings, cancellationToken: Ct)).ExitCode);
            Assert.Equal(0, (await VigilExecutable.RunAsync(store, ["claim", "create", "--out", Data.File("bundle")], settings, cancellationToken: Ct)).ExitCode);
            Config = Path.Combine(Data.File("bundle"), "agent.json");
            Process = await ServerProcess.StartAsync(store, settings, Ct);
        }

        public ValueTask DisposeAsync()
        {
            Process?.Dispose();
            Data.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task An_rtsp_camera_that_refuses_is_one_line_without_its_password_retried_while_the_camera_stays_online()
    {
        var port = VigilExecutable.FreePort(); // nothing listens there
        await using var agent = await StartAsync("CAM-BAD-1", $"rtsp://admin:s3cret-Pa55@127.0.0.1:{port}/stream1");

        var prefix = $"fail: SourceRunner: Source rtsp://admin:***@127.0.0.1:{port}/stream1: ffmpeg exited with code";
        await WaitForFailuresAsync(agent, prefix, "Connection refused");
        await fixture.Process!.WaitUntilOnlineAsync("CAM-BAD-1", online: true, Ct);
        Assert.DoesNotContain("s3cret-Pa55", agent.Output, StringComparison.Ordinal);
        Assert.False(agent.Process.HasExited);
    }

    [Fact]
    public async Task A_file_that_is_not_h264_is_one_clear_line_and_retried()
    {
        var file = fixture.Data.File("mpeg4.mp4");
        await ExternalProcess.RunCheckedAsync(RequiredTool.Find("ffmpeg", "ffmpeg"),
            ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15", "-t", "1", "-c:v", "mpeg4", file], TimeSpan.FromMinutes(1), Ct);
        await using var agent = await StartAsync("CAM-BAD-2", "file:" + file);

        await WaitForFailuresAsync(agent, $"fail: SourceRunner: Source file:{file}: the video is mpeg4, not H.264", "retrying in");
        await fixture.Process!.WaitUntilOnlineAsync("CAM-BAD-2", online: true, Ct);
    }

    [Fact]
    public async Task A_missing_ffmpeg_is_one_clear_line_and_retried()
    {
        await using var agent = await StartAsync("CAM-BAD-3", "testsrc", new Dictionary<string, string> { ["VIGIL_AGENT_FFMPEG"] = "/nonexistent/ffmpeg" });

        await WaitForFailuresAsync(agent, "fail: SourceRunner: Source testsrc: ffmpeg could not be started (/nonexistent/ffmpeg:", "install the Debian package ffmpeg");
        await fixture.Process!.WaitUntilOnlineAsync("CAM-BAD-3", online: true, Ct);
    }

    private async Task<ExternalProcess> StartAsync(string thing, string source, IReadOnlyDictionary<string, string>? environment = null)
    {
        var state = fixture.Data.File(thing);
        var provision = await AgentExecutable.RunAsync(["provision", "--config", fixture.Config, "--serial", thing, "--state", state], cancellationToken: Ct);
        Assert.True(provision.ExitCode == 0, provision.StandardError + provision.StandardOutput);
        return ExternalProcess.Start(AgentExecutable.Path, ["run", "--config", fixture.Config, "--state", state, "--source", source], environment: environment);
    }

    /// <summary>Two failures (so it retried), each one line starting with <paramref name="prefix"/> and naming the cause.</summary>
    private static async Task WaitForFailuresAsync(ExternalProcess agent, string prefix, string cause)
    {
        await agent.WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), Patience, Ct);
        await Eventually.WaitAsync(() => Task.FromResult(agent.Output.Split('\n').Count(l => l.StartsWith(prefix, StringComparison.Ordinal)) >= 2),
            Patience, "a second attempt", Ct);
        var lines = agent.Output.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        TestContext.Current.TestOutputHelper!.WriteLine(agent.Output);
        Assert.All(lines, l => Assert.Contains(cause, l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches(@"; retrying in \d+\.\d s$", l));
    }
}
