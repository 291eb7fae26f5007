using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.SigV4;

namespace Vigil.TestSupport;

/// <summary>
/// Everything live view needs, as real processes, for tests and benchmarks: a network namespace
/// (Chromium gathers no ICE candidates on a loopback-only host), <c>vigil serve</c> listening on the
/// host end of its veth pair, a provisioned camera (<c>vigil-agent run</c>, WebRTC bound to that
/// address), optionally coturn in the namespace as Vigil's TURN server, and headless Chromium in the
/// namespace, trusting exactly Vigil's server key, where KVS SDK viewer pages join.
/// </summary>
/// <remarks>
/// Viewers sign with a long-term key of their own account, limited by policy to viewing this camera
/// (<see cref="ViewerPolicy"/>), until per-camera viewer credentials exist (issue 15): change
/// <see cref="CreateViewerCredentialsAsync"/> then.
/// </remarks>
public sealed class LiveViewRig : IAsyncDisposable
{
    private readonly string _data;
    private readonly Dictionary<string, string> _settings;
    private readonly Action<string> _log;
    private ExternalProcess? _server;

    private LiveViewRig(string data, NetworkNamespace ns, Dictionary<string, string> settings, string thing, Action<string> log)
    {
        _data = data;
        Namespace = ns;
        _settings = settings;
        Thing = thing;
        _log = log;
    }

    /// <summary>How long any one step may take on a loaded 2-core machine.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(45);

    public NetworkNamespace Namespace { get; }

    /// <summary>The camera's thing name, which is its channel's name.</summary>
    public string Thing { get; }

    /// <summary>The host end of the veth pair, where the server listens and the camera binds.</summary>
    public string Host => Namespace.HostAddress.ToString();

    public int HttpsPort => int.Parse(_settings["VIGIL__Server__HttpsPort"], CultureInfo.InvariantCulture);

    public Uri Https => new($"https://{Host}:{HttpsPort}");

    /// <summary>The secret of the camera's label, as the rig put it in the manufacturing registry.</summary>
    public string Secret => $"secret-{Thing}";

    /// <summary>The claim bundle's agent.json the camera runs with.</summary>
    public string Config => Path.Combine(_data, "bundle", "agent.json");

    public X509Certificate2 Root { get; private set; } = null!;

    public SigV4Credentials ViewerCredentials { get; private set; } = null!;

    public HeadlessChromium Chromium { get; private set; } = null!;

    public CoturnServer? Coturn { get; private set; }

    public ExternalProcess? Agent { get; private set; }

    /// <summary>What <c>vigil serve</c> printed (the current run).</summary>
    public string ServerOutput => _server?.Output ?? string.Empty;

    /// <summary>The policy of the viewers' key: the viewer's actions on <paramref name="channel"/>, nothing else.</summary>
    public static string ViewerPolicy(string channel) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Action": ["kinesisvideo:ConnectAsViewer", "kinesisvideo:DescribeSignalingChannel",
                       "kinesisvideo:GetSignalingChannelEndpoint", "kinesisvideo:GetIceServerConfig"],
            "Resource": "arn:aws:kinesisvideo:*:*:channel/{{channel}}/*"
          }]
        }
        """;

    /// <summary>Starts the namespace, coturn (with <paramref name="turn"/>), the server, provisions <paramref name="thing"/>, makes the viewer key and launches Chromium.</summary>
    /// <param name="thing">The camera's serial and thing name.</param>
    /// <param name="turn">Run coturn inside the namespace and configure it as Vigil's TURN server.</param>
    /// <param name="log">Where progress and, at the end, the agent's output go (a test's output).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<LiveViewRig> StartAsync(string thing, bool turn = false, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var data = Path.Combine(Environment.GetEnvironmentVariable("VIGIL_TEST_TMP") ?? Path.GetTempPath(), $"live-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        var ns = await NetworkNamespace.CreateAsync(cancellationToken);
        var host = ns.HostAddress.ToString();
        var settings = new Dictionary<string, string>
        {
            ["VIGIL__Server__ListenAddress"] = host,
            ["VIGIL__Server__PublicHost"] = host,
            ["VIGIL__Server__HttpPort"] = FreePort(),
            ["VIGIL__Server__HttpsPort"] = FreePort(),
            ["VIGIL__Provisioning__MqttPort"] = FreePort(),
            ["VIGIL__CredentialsProvider__Port"] = FreePort(),
            ["VIGIL__Signaling__StunPort"] = "0",
            ["VIGIL__Ingest__SmtpPort"] = "0",
            ["VIGIL__Vision__ModelUrl"] = string.Empty,
            // A stopping server waits up to 30 s (the host's default) for MQTT clients to leave; they are
            // told nothing and stay, so a restart would take that long. The wait is not what is tested.
            ["ASPNETCORE_SHUTDOWNTIMEOUTSECONDS"] = "5",
        };
        var rig = new LiveViewRig(data, ns, settings, thing, log ?? (_ => { }));
        try
        {
            if (turn)
            {
                rig.Coturn = await CoturnServer.StartAsync(new CoturnOptions(ns.NamespaceAddress, Namespace: ns), cancellationToken);
                settings["VIGIL__Signaling__TurnUris__0"] = rig.Coturn.TurnUri;
                settings["VIGIL__Signaling__TurnSharedSecret"] = rig.Coturn.Options.SharedSecret;
            }

            var registry = Path.Combine(data, "registry.csv");
            await File.WriteAllTextAsync(registry, $"serial,secret,model\n{thing},{rig.Secret},Cam\n", cancellationToken);
            await rig.VigilAsync(["registry", "import", registry], cancellationToken);
            await rig.VigilAsync(["claim", "create", "--out", Path.Combine(data, "bundle")], cancellationToken);
            rig.Root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(data, "bundle", "root-ca.pem"), cancellationToken));
            await rig.StartServerAsync(cancellationToken);
            await Checked(VigilBinaries.Agent, ["provision", "--config", rig.Config, "--serial", thing], cancellationToken);
            rig.ViewerCredentials = await rig.CreateViewerCredentialsAsync(cancellationToken);
            var spki = await ServerCertificate.SpkiSha256Async(host, rig.HttpsPort, cancellationToken);
            rig.Chromium = await HeadlessChromium.LaunchAsync(new ChromiumOptions(ns, ExtraArguments: ["--ignore-certificate-errors-spki-list=" + spki]));
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>vigil-agent run</c> with WebRTC bound to the veth address and waits until it is master of its channel.</summary>
    public async Task<ExternalProcess> StartAgentAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var agent = ExternalProcess.Start(VigilBinaries.Agent, ["run", "--config", Config, "--bind", Host, .. arguments], environment: environment);
        Agent = agent;
        await agent.WaitForLineAsync(l => l.Contains("connected as master of channel", StringComparison.Ordinal), Patience, cancellationToken);
        return agent;
    }

    /// <summary>A KVS SDK viewer page that has "clicked": prepared with the control plane, it opens signaling and offers.</summary>
    public async Task<KvsViewerPage> JoinAsync(string clientId, string iceTransportPolicy = "all", CancellationToken cancellationToken = default)
    {
        var config = await PrepareViewerAsync(clientId, iceTransportPolicy, cancellationToken);
        var page = await KvsViewerPage.OpenAsync(Chromium);
        await page.StartAsync(config);
        return page;
    }

    /// <summary>What a viewer page needs to join (DescribeSignalingChannel, GetSignalingChannelEndpoint, GetIceServerConfig done).</summary>
    public Task<KvsViewerConfig> PrepareViewerAsync(string clientId, string iceTransportPolicy = "all", CancellationToken cancellationToken = default) =>
        ViewerControlPlane.PrepareAsync(Root, Https, ViewerCredentials, Thing, clientId, iceTransportPolicy, cancellationToken);

    /// <summary>Stops <c>vigil serve</c> (SIGTERM) and starts it again on the same ports and data.</summary>
    public async Task RestartServerAsync(CancellationToken cancellationToken = default)
    {
        await StopServerAsync();
        await StartServerAsync(cancellationToken);
    }

    /// <summary>The agent's open file descriptors (its sockets among them), threads and resident memory, from /proc.</summary>
    public AgentResources AgentResources() => TestSupport.AgentResources.Of(Agent!.Process.Id);

    /// <summary>Stops the agent (SIGTERM, as systemd does), the browser, the server and coturn, and removes the namespace.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Agent is { } agent)
        {
            if (!agent.Process.HasExited)
            {
                agent.Terminate();
                try
                {
                    await agent.WaitForExitAsync(TimeSpan.FromSeconds(15));
                }
                catch (TimeoutException)
                {
                    // It was killed by the wait.
                }
            }

            await agent.DisposeAsync();
            _log("agent:\n" + agent.Output);
        }

        if (Chromium is { } chromium)
        {
            await chromium.DisposeAsync();
        }

        await StopServerAsync();
        if (Coturn is { } coturn)
        {
            await coturn.DisposeAsync();
        }

        await Namespace.DisposeAsync();
        Root?.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the run's temporary directory goes at the end anyway.
        }
    }

    private async Task<SigV4Credentials> CreateViewerCredentialsAsync(CancellationToken cancellationToken)
    {
        var email = $"viewer-{Thing.ToLowerInvariant()}@example.com";
        await VigilAsync(["user", "add", email], cancellationToken);
        var policy = Path.Combine(_data, "viewer-policy.json");
        await File.WriteAllTextAsync(policy, ViewerPolicy(Thing), cancellationToken);
        var output = await VigilAsync(["keys", "create", "--user", email, "--policy", policy, "--json"], cancellationToken);
        using var json = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..(output.LastIndexOf('}') + 1)]);
        var key = json.RootElement.GetProperty("AccessKey");
        return new SigV4Credentials(key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        _server = ExternalProcess.Start(VigilBinaries.Server, ["--data", Path.Combine(_data, "vigil"), "serve"], environment: _settings);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ready = new Uri($"http://{Host}:{_settings["VIGIL__Server__HttpPort"]}/readyz");
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(90))
        {
            if (_server.Process.HasExited)
            {
                throw new InvalidOperationException($"vigil serve exited with {_server.Process.ExitCode}:\n{_server.Output}");
            }

            try
            {
                using var response = await http.GetAsync(ready, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        throw new TimeoutException("vigil serve was not ready within 90 s:\n" + _server.Output);
    }

    private async Task StopServerAsync()
    {
        if (_server is not { } server)
        {
            return;
        }

        _server = null;
        if (!server.Process.HasExited)
        {
            server.Terminate();
            try
            {
                await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                // Killed by the wait.
            }
        }

        await server.DisposeAsync();
    }

    /// <summary>Runs a <c>vigil</c> command on this installation (as its admin does); its output, or an exception when it fails.</summary>
    public Task<string> VigilAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        Checked(VigilBinaries.Server, ["--data", Path.Combine(_data, "vigil"), .. arguments], cancellationToken, _settings);

    private static async Task<string> Checked(string program, IEnumerable<string> arguments, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var process = ExternalProcess.Start(program, arguments, environment: environment);
        process.Process.StandardInput.Close();
        var code = await process.WaitForExitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        return code == 0 ? process.Output : throw new InvalidOperationException($"{process.Description} exited with {code}:\n{process.Output}");
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
