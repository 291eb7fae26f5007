using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.SigV4;

namespace Vigil.Signaling.Bench;

/// <summary>The built <c>vigil</c> binary serving on free loopback ports, with a fresh data directory and an admin key.</summary>
internal sealed class VigilServerProcess : IAsyncDisposable
{
    private readonly DirectoryInfo _data;
    private readonly IDictionary<string, string> _settings;
    private readonly Ports _ports;
    private Process _process;

    private VigilServerProcess(Process process, DirectoryInfo data, IDictionary<string, string> settings, Ports ports, X509Certificate2 root, SigV4Credentials admin)
    {
        _process = process;
        _data = data;
        _settings = settings;
        _ports = ports;
        Root = root;
        Admin = admin;
    }

    public int HttpsPort => _ports.Https;

    public int MqttPort => _ports.Mqtt;

    public int SmtpPort => _ports.Smtp;

    public string DataPath => _data.FullName;

    public X509Certificate2 Root { get; }

    public SigV4Credentials Admin { get; }

    public int ProcessId => _process.Id;

    /// <summary><paramref name="prepare"/> runs <c>vigil</c> commands on the new data directory before the server starts.</summary>
    public static async Task<VigilServerProcess> StartAsync(IDictionary<string, string> settings, Func<Func<string[], Task<string>>, Task>? prepare = null)
    {
        var vigil = LocateBinary();
        var data = Directory.CreateTempSubdirectory("vigil-signaling-bench-");
        var (admin, root) = await PrepareAsync(vigil, data, settings);
        if (prepare is not null)
        {
            await prepare(arguments => RunAsync(vigil, ["--data", data.FullName, .. arguments], settings));
        }

        return await ServeAsync(vigil, data, settings, Ports.Free(), admin, root);
    }

    /// <summary>A <c>vigil</c> command on this server's data directory, while it runs (output on success).</summary>
    public Task<string> RunCommandAsync(params string[] arguments) => RunAsync(LocateBinary(), ["--data", _data.FullName, .. arguments], _settings);

    /// <summary>SIGTERM, as systemd stops the service, and the wait for the process to exit.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Starts <c>vigil serve</c> again on the same data directory and ports, and waits for it to be ready.</summary>
    public async Task StartAgainAsync()
    {
        var next = await ServeAsync(LocateBinary(), _data, _settings, _ports, Admin, Root);
        _process.Dispose();
        _process = next._process;
    }

    /// <summary>
    /// Two cluster nodes (docs/scale-out.md) on one PostgreSQL database and one Redis: node 1's data directory is
    /// prepared as usual, node 2 gets its keys with <c>vigil cluster export-keys</c>/<c>import-keys</c>.
    /// </summary>
    public static async Task<(VigilServerProcess Node1, VigilServerProcess Node2)> StartClusterAsync(IDictionary<string, string> settings)
    {
        var vigil = LocateBinary();
        var data1 = Directory.CreateTempSubdirectory("vigil-cluster-bench-1-");
        var data2 = Directory.CreateTempSubdirectory("vigil-cluster-bench-2-");
        var (admin, root) = await PrepareAsync(vigil, data1, settings);
        var bundle = Path.Combine(data1.FullName, "cluster.keys");
        const string passphrase = "bench passphrase, not a secret\n";
        await RunAsync(vigil, ["--data", data1.FullName, "cluster", "export-keys", "--out", bundle], settings, passphrase);
        await RunAsync(vigil, ["--data", data2.FullName, "cluster", "import-keys", bundle], null, passphrase);
        var node1 = await ServeAsync(vigil, data1, settings, Ports.Free(), admin, root);
        try
        {
            return (node1, await ServeAsync(vigil, data2, settings, Ports.Free(), admin, root));
        }
        catch
        {
            await node1.DisposeAsync();
            throw;
        }
    }

    private static async Task<(SigV4Credentials Admin, X509Certificate2 Root)> PrepareAsync(string vigil, DirectoryInfo data, IDictionary<string, string> settings)
    {
        // Keys belong to accounts: the bench's automation account first, an admin (a key of any other account may do nothing by default).
        await RunAsync(vigil, ["--data", data.FullName, "user", "add", "bench@example.com", "--admin"], settings);
        var keyJson = await RunAsync(vigil, ["--data", data.FullName, "keys", "create", "--user", "bench@example.com", "--json"], settings);
        var key = JsonDocument.Parse(keyJson).RootElement.GetProperty("AccessKey");
        var admin = new SigV4Credentials(key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
        var root = X509Certificate2.CreateFromPem(await RunAsync(vigil, ["--data", data.FullName, "ca", "export"], settings));
        return (admin, root);
    }

    private static async Task<VigilServerProcess> ServeAsync(string vigil, DirectoryInfo data, IDictionary<string, string> settings, Ports ports, SigV4Credentials admin, X509Certificate2 root)
    {
        var (httpPort, httpsPort) = (ports.Http, ports.Https);
        var start = new ProcessStartInfo(vigil) { ArgumentList = { "--data", data.FullName, "serve" }, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["VIGIL__Server__ListenAddress"] = "127.0.0.1";
        start.Environment["VIGIL__Server__HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["VIGIL__Server__HttpsPort"] = httpsPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["VIGIL__Server__PublicHost"] = "localhost";
        start.Environment["VIGIL__Signaling__StunPort"] = "0";
        // Never the shared defaults (8883, 8444, 2525): other servers (a second node, tests) run beside it.
        start.Environment["VIGIL__Provisioning__MqttPort"] = ports.Mqtt.ToString(CultureInfo.InvariantCulture);
        start.Environment["VIGIL__CredentialsProvider__Port"] = ports.Credentials.ToString(CultureInfo.InvariantCulture);
        start.Environment["VIGIL__Ingest__SmtpPort"] = ports.Smtp.ToString(CultureInfo.InvariantCulture);
        // VIGIL_BENCH_LOG_LEVEL (e.g. Information) shows more of the server's log on the bench's standard error.
        start.Environment["VIGIL__Logging__LogLevel__Default"] = Environment.GetEnvironmentVariable("VIGIL_BENCH_LOG_LEVEL") is { Length: > 0 } level ? level : "Warning";
        foreach (var (name, value) in settings)
        {
            start.Environment["VIGIL__" + name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        var verbose = Environment.GetEnvironmentVariable("VIGIL_BENCH_LOG_LEVEL") is { Length: > 0 };
        process.OutputDataReceived += (_, e) => { if (verbose && e.Data is not null) { Console.Error.WriteLine($"[vigil] {e.Data}"); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[vigil] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new VigilServerProcess(process, data, settings, ports, root, admin);
        using var http = new HttpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{httpPort}/readyz")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException) when (attempt < 300 && !process.HasExited)
            {
            }

            if (process.HasExited || attempt >= 300)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException("vigil serve did not become ready");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Resident set size (and its peak) of the server process, from /proc.</summary>
    public (long RssKiB, long PeakKiB) Memory()
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return (rss, peak);
    }

    /// <summary>CPU time (user + system) the server process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public HttpClient CreateKvsClient(SigV4Credentials credentials)
    {
        var handler = new SocketsHttpHandler { SslOptions = TrustRoot(), MaxConnectionsPerServer = 32 };
        return new HttpClient(new SigV4SigningHandler(credentials, "us-east-1", "kinesisvideo", TimeProvider.System) { InnerHandler = handler })
        {
            BaseAddress = new Uri($"https://localhost:{HttpsPort}"),
        };
    }

    public SslClientAuthenticationOptions TrustRoot() => new()
    {
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { Root },
            RevocationMode = X509RevocationMode.NoCheck,
        },
    };

    public async Task<string> CreateChannelAsync(HttpClient kvs, string name)
    {
        using var response = await kvs.PostAsync("/createSignalingChannel", JsonContent.Create(new { ChannelName = name }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? body.GetProperty("ChannelARN").GetString()! : throw new InvalidOperationException($"create {name}: {body}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _data.Delete(recursive: true);
    }

    private static async Task<string> RunAsync(string file, IEnumerable<string> arguments, IDictionary<string, string>? settings = null, string? input = null)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment["VIGIL__" + name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input ?? "");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: {error}");
    }

    private static string LocateBinary()
    {
        var path = Path.Combine(RepositoryRoot(), "src", "Vigil.Server", "bin", "Release", "net10.0", "vigil");
        return File.Exists(path) ? path : throw new InvalidOperationException("build the server first: dotnet build src/Vigil.Server -c Release");
    }

    /// <summary>The repository (the directory holding <c>Vigil.slnx</c>) above the bench's binaries.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Vigil.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("run the bench from the repository (Vigil.slnx not found above " + AppContext.BaseDirectory + ")");
    }

    /// <summary>The server's ports, kept across a restart (clients reconnect to the same ones).</summary>
    private sealed record Ports(int Http, int Https, int Mqtt, int Credentials, int Smtp)
    {
        public static Ports Free() => new(FreePort(), FreePort(), FreePort(), FreePort(), FreePort());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
