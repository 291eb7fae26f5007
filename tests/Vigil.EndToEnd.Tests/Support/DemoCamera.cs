using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// A camera as <c>./demo.sh</c> makes one, and as a camera maker ships one: its serial number and
/// secret in the site's manufacturing registry, a claim bundle, <c>vigil-agent provision</c> (claim
/// certificate → its own certificate) and <c>vigil-agent run</c> streaming the live test picture.
/// WebRTC is bound to the given address, the host end of the browser's network
/// namespace, so the browser's ICE reaches it.
/// </summary>
internal sealed class DemoCamera : IAsyncDisposable
{
    private readonly TempDirectory _files;

    private DemoCamera(TempDirectory files, string serial, string secret, ExternalProcess agent)
    {
        _files = files;
        Serial = serial;
        Secret = secret;
        Agent = agent;
    }

    public string Serial { get; }

    /// <summary>The secret printed on the label (what the owner types when adding the camera).</summary>
    public string Secret { get; }

    public ExternalProcess Agent { get; }

    /// <summary>Registers, provisions and starts the camera on a running <paramref name="site"/>; returns once it is master of its signaling channel.</summary>
    public static async Task<DemoCamera> StartAsync(VigilSite site, string bindAddress, string serial = "DEMO-CAM-0001", CancellationToken cancellationToken = default)
    {
        var files = new TempDirectory("camera");
        try
        {
            var secret = "Lab3l-" + Guid.NewGuid().ToString("N")[..10];
            var registry = Path.Combine(files.Path, "registry.csv");
            await File.WriteAllTextAsync(registry, $"serial,secret,model\n{serial},{secret},Vigil Demo Camera\n", cancellationToken);
            await site.RunAsync(["registry", "import", registry], cancellationToken);
            var bundle = Path.Combine(files.Path, "claim-bundle");
            await site.RunAsync(["claim", "create", "--out", bundle], cancellationToken);
            var config = Path.Combine(bundle, "agent.json");
            var state = Path.Combine(files.Path, "state");
            await ExternalProcess.RunCheckedAsync(VigilBinaries.Agent, ["provision", "--config", config, "--state", state, "--serial", serial], TimeSpan.FromMinutes(2), cancellationToken);
            // A smaller picture than the demo's 1280x720: the browser decodes it on a 2-core machine
            // that also runs the server, the encoder and the test.
            var agent = ExternalProcess.Start(VigilBinaries.Agent,
                ["run", "--config", config, "--state", state, "--bind", bindAddress, "--source", "testsrc", "--width", "640", "--height", "360", "--bitrate", "800"]);
            try
            {
                await agent.WaitForLineAsync(l => l.Contains("connected as master of channel", StringComparison.Ordinal), TimeSpan.FromSeconds(90), cancellationToken);
            }
            catch
            {
                await agent.DisposeAsync();
                throw;
            }

            return new DemoCamera(files, serial, secret, agent);
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    /// <summary>Stops the camera as systemd does (SIGTERM) and waits for it to go.</summary>
    public async Task StopAsync()
    {
        if (!Agent.Process.HasExited)
        {
            Agent.Terminate();
            await Agent.WaitForExitAsync(TimeSpan.FromSeconds(20));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        _files.Dispose();
    }
}
