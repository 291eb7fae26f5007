using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Vigil.Server.Tests.Support;
using Vigil.SigV4;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Streaming;

/// <summary>
/// Everything a live-view test runs, as real processes: a network namespace (Chromium gathers no ICE
/// candidates on a loopback-only host), <c>vigil serve</c> listening on the host end of its veth pair,
/// a provisioned camera (<c>vigil-agent run</c>, WebRTC bound to that address), optionally coturn inside
/// the namespace as Vigil's TURN server, and headless Chromium in the namespace, trusting exactly Vigil's
/// server key, where KVS SDK viewer pages join.
/// </summary>
internal sealed class CameraRig : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private readonly TempDirectory _data;
    private ServerProcess _server;

    private CameraRig(TempDirectory data, NetworkNamespace ns, ServerProcess server, string thing, string config, X509Certificate2 root)
    {
        _data = data;
        Namespace = ns;
        _server = server;
        Thing = thing;
        Config = config;
        Root = root;
    }

    public NetworkNamespace Namespace { get; }

    public ServerProcess Server => _server;

    public string Thing { get; }

    public string Config { get; }

    public X509Certificate2 Root { get; }

    public string Host => Namespace.HostAddress.ToString();

    public Uri Https => new($"https://{Host}:{_server.HttpsPort}");

    public SigV4Credentials ViewerCredentials { get; private set; } = null!;

    public HeadlessChromium? ChromiumOrNull { get; private set; }

    public HeadlessChromium Chromium
    {
        get => ChromiumOrNull!;
        private set => ChromiumOrNull = value;
    }

    public ExternalProcess? Agent { get; private set; }

    public CoturnServer? Coturn { get; private set; }

    public string DataPath => _data.Path;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<CameraRig> StartAsync(string thing, bool turn = false)
    {
        var data = new TempDirectory("live");
        var ns = await NetworkNamespace.CreateAsync(Ct);
        var early = new List<IAsyncDisposable> { ns };
        try
        {
            var host = ns.HostAddress.ToString();
            var extra = new Dictionary<string, string?>
            {
                ["VIGIL__Server__ListenAddress"] = host,
                ["VIGIL__Server__PublicHost"] = host,
                ["VIGIL__Server__HttpPort"] = VigilExecutable.FreePort().ToString(CultureInfo.InvariantCulture),
                ["VIGIL__Server__HttpsPort"] = VigilExecutable.FreePort().ToString(CultureInfo.InvariantCulture),
            };
            CoturnServer? coturn = null;
            if (turn)
            {
                coturn = await CoturnServer.StartAsync(new CoturnOptions(ns.NamespaceAddress, Namespace: ns), Ct);
                early.Add(coturn);
                extra["VIGIL__Signaling__TurnUris__0"] = coturn.TurnUri;
                extra["VIGIL__Signaling__TurnSharedSecret"] = coturn.Options.SharedSecret;
            }

            var settings = ServerProcess.SettingsFor(extra);
            var store = Path.Combine(data.Path, "vigil");
            var bundle = Path.Combine(data.Path, "bundle");
            var registry = Path.Combine(data.Path, "registry.csv");
            await File.WriteAllTextAsync(registry, $"serial,secret,model\n{thing},secret-{thing},Cam\n", Ct);
            Assert.Equal(0, (await VigilExecutable.RunAsync(store, ["registry", "import", registry], settings, cancellationToken: Ct)).ExitCode);
            var claim = await VigilExecutable.RunAsync(store, ["claim", "create", "--out", bundle], settings, cancellationToken: Ct);
            Assert.True(claim.ExitCode == 0, claim.StandardError);
            var server = await ServerProcess.StartAsync(store, settings, Ct);
            var config = Path.Combine(bundle, "agent.json");
            var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(bundle, "root-ca.pem"), Ct));
            var rig = new CameraRig(data, ns, server, thing, config, root) { Coturn = coturn };
            try
            {
                var provision = await AgentExecutable.RunAsync(["provision", "--config", config, "--serial", thing], cancellationToken: Ct);
                Assert.True(provision.ExitCode == 0, provision.StandardError + provision.StandardOutput);
                rig.ViewerCredentials = await ViewerAccess.CreateAsync(server, thing, Ct);
                var spki = await ServerCertificate.SpkiSha256Async(host, server.HttpsPort, Ct);
                rig.Chromium = await HeadlessChromium.LaunchAsync(new ChromiumOptions(ns, ExtraArguments: ["--ignore-certificate-errors-spki-list=" + spki]));
                return rig;
            }
            catch
            {
                await rig.DisposeAsync();
                throw;
            }
        }
        catch
        {
            early.Reverse();
            foreach (var resource in early)
            {
                await resource.DisposeAsync();
            }

            data.Dispose();
            throw;
        }
    }

    /// <summary>Starts <c>vigil-agent run</c> (WebRTC bound to the veth address) and waits until it is master of its channel.</summary>
    public async Task<ExternalProcess> StartAgentAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, bool waitForMaster = true)
    {
        var agent = ExternalProcess.Start(AgentExecutable.Path, ["run", "--config", Config, "--bind", Host, .. arguments], environment: environment);
        Agent = agent;
        if (waitForMaster)
        {
            await agent.WaitForLineAsync(l => l.Contains("connected as master of channel", StringComparison.Ordinal), Patience, Ct);
        }

        return agent;
    }

    /// <summary>A KVS SDK viewer page that has "clicked": it prepared with the control plane, then opened signaling and offered.</summary>
    public async Task<KvsViewerPage> JoinAsync(string clientId, string iceTransportPolicy = "all")
    {
        var config = await ViewerControlPlane.PrepareAsync(Root, Https, ViewerCredentials, Thing, clientId, iceTransportPolicy, Ct);
        var page = await KvsViewerPage.OpenAsync(Chromium);
        await page.StartAsync(config);
        return page;
    }

    /// <summary>Stops <c>vigil serve</c> and starts it again on the same ports and data.</summary>
    public async Task RestartServerAsync()
    {
        _server.Dispose();
        _server = await ServerProcess.StartAsync(_server.Data, _server.Settings, Ct);
    }

    /// <summary>The agent's open file descriptors (sockets among them) and threads, from /proc.</summary>
    public (int Descriptors, int Threads, long RssKilobytes) AgentResources()
    {
        var pid = Agent!.Process.Id;
        var rss = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return (Directory.GetFiles($"/proc/{pid}/fd").Length, Directory.GetDirectories($"/proc/{pid}/task").Length,
            long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Stops the agent (SIGTERM, as systemd does), the browser, the server, coturn, and removes the namespace.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Agent is { } agent)
        {
            if (!agent.Process.HasExited)
            {
                agent.Terminate();
                try
                {
                    await agent.WaitForExitAsync(TimeSpan.FromSeconds(15), CancellationToken.None);
                }
                catch (TimeoutException)
                {
                    // Killed by the wait.
                }
            }

            await agent.DisposeAsync();
            TestContext.Current.TestOutputHelper?.WriteLine("agent:\n" + agent.Output);
        }

        if (ChromiumOrNull is { } chromium)
        {
            await chromium.DisposeAsync();
        }

        _server.Dispose();
        if (Coturn is { } coturn)
        {
            await coturn.DisposeAsync();
        }

        await Namespace.DisposeAsync();
        Root.Dispose();
        _data.Dispose();
    }
}
