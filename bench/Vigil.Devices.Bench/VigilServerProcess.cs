using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Devices.Bench;

/// <summary>A real <c>vigil serve</c> process on a fresh data directory, and the <c>vigil</c> commands to prepare it.</summary>
internal sealed class VigilServerProcess : IDisposable
{
    private Process? _server;

    public VigilServerProcess()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Vigil.slnx")))
        {
            root = root.Parent;
        }

        // VIGIL_BENCH_SERVER names another build of vigil (say, of the commit before a change), so
        // that two builds can be measured one after the other in the same quiet minutes.
        Binary = System.Environment.GetEnvironmentVariable("VIGIL_BENCH_SERVER") is { Length: > 0 } other
            ? Path.GetFullPath(other)
            : Path.Combine(root?.FullName ?? throw new InvalidOperationException("run from the repository"), "src", "Vigil.Server", "bin", "Release", "net10.0", "vigil");
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: dotnet build src/Vigil.Server -c Release");
        }

        Data = Path.Combine(Path.GetTempPath(), $"vigil-bench-{Guid.NewGuid():N}");
        MqttPort = FreePort();
        Environment = new Dictionary<string, string>
        {
            ["VIGIL__Server__PublicHost"] = "localhost",
            ["VIGIL__Server__ListenAddress"] = "127.0.0.1",
            ["VIGIL__Server__HttpPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["VIGIL__Server__HttpsPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["VIGIL__Provisioning__MqttPort"] = MqttPort.ToString(CultureInfo.InvariantCulture),
            ["VIGIL__CredentialsProvider__Port"] = FreePort().ToString(CultureInfo.InvariantCulture),
            // Never the shared defaults (3478, 2525): a second node, or tests, run beside it.
            ["VIGIL__Signaling__StunPort"] = "0",
            // Every simulated camera provisions from one claim and one address: the per-claim and per-address
            // certificate request limits (60 and 30 a minute) would stop the bench after its first second.
            ["VIGIL__Provisioning__CertificateRequestsPerClaimPerMinute"] = "100000",
            ["VIGIL__Provisioning__CertificateRequestsPerAddressPerMinute"] = "100000",
            ["VIGIL__Ingest__SmtpPort"] = "0",
            ["VIGIL__Logging__LogLevel__Default"] = "Warning",
            ["VIGIL__Server__LogFormat"] = "Text",
        };
        // PostgreSQL (and, for two nodes, Redis) from the environment, as the server itself would read them.
        foreach (var key in new[] { "VIGIL__Storage__Provider", "VIGIL__Storage__ConnectionString", "VIGIL__Cluster__Redis" })
        {
            if (System.Environment.GetEnvironmentVariable(key) is { Length: > 0 } value)
            {
                Environment[key] = value;
            }
        }
    }

    public string Binary { get; }

    public string Data { get; }

    public int MqttPort { get; }

    public Dictionary<string, string> Environment { get; }

    public int? ProcessId => _server?.Id;

    public Task RunAsync(params string[] arguments) => RunWithInputAsync(null, arguments);

    /// <summary>A command that reads <paramref name="input"/> on standard input (a passphrase).</summary>
    public async Task RunWithInputAsync(string? input, params string[] arguments)
    {
        var start = Start(arguments);
        start.RedirectStandardInput = input is not null;
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"vigil {string.Join(' ', arguments)} failed: {await error}");
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = Process.Start(Start(["serve"]))!;
        _server.OutputDataReceived += (_, e) => { if (e.Data is { } line && (line.StartsWith("fail", StringComparison.Ordinal) || line.Contains("MQTTnet", StringComparison.Ordinal))) { Console.Error.WriteLine(line); } };
        _server.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { Console.Error.WriteLine(line); } };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, MqttPort, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200, cancellationToken);
            }
        }

        throw new TimeoutException("vigil serve did not listen within 90 s");
    }

    /// <summary>CPU time the server process used so far.</summary>
    public TimeSpan CpuTime()
    {
        _server!.Refresh();
        return _server.TotalProcessorTime;
    }

    /// <summary>Resident set size of the server process, from /proc.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_server!.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private ProcessStartInfo Start(string[] arguments)
    {
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(Data);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit();
        }

        _server?.Dispose();
        try
        {
            Directory.Delete(Data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
