using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Vigil.TestSupport;

/// <summary>The built <c>vigil</c> executable, run as a real process the way an operator runs it.</summary>
internal static class VigilExecutable
{
    public static string Path { get; } = Locate();

    private static string Locate()
    {
        var configuration = typeof(VigilExecutable).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var path = System.IO.Path.Combine(VigilBinaries.RepositoryRoot(), "src", "Vigil.Server", "bin", configuration, "net10.0", "vigil");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build the solution first");
    }

    /// <summary>Environment for a child process: no inherited VIGIL_* settings, plus the given ones.</summary>
    public static Dictionary<string, string?> Environment(IDictionary<string, string?>? settings = null)
    {
        var environment = System.Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("VIGIL", StringComparison.Ordinal) && k != "VIGIL_TEST_TMP")
            .ToDictionary(k => k, _ => (string?)null);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return environment;
    }

    public static Task<ProcessResult> RunAsync(string dataDirectory, IEnumerable<string> arguments, IDictionary<string, string?>? settings = null, string? standardInput = null, CancellationToken cancellationToken = default) =>
        ProcessRunner.RunAsync(Path, ["--data", dataDirectory, .. arguments], Environment(settings), standardInput, cancellationToken: cancellationToken);

    /// <summary>
    /// Starts <c>vigil serve</c> on free loopback ports; the caller stops it. Its log lines go to <paramref name="output"/> when given.
    /// <paramref name="launcher"/> runs it through another program (strace, a shell setting the umask), which gets the binary and its arguments last.
    /// </summary>
    public static Process StartServer(string dataDirectory, int httpPort, int httpsPort, IDictionary<string, string?>? settings = null, Action<string>? output = null, IReadOnlyList<string>? launcher = null)
    {
        var start = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (launcher is { Count: > 0 } ? [.. launcher.Skip(1), Path] : Array.Empty<string>()).Concat(["--data", dataDirectory, "serve"]))
        {
            start.ArgumentList.Add(argument);
        }

        var environment = Environment(settings);
        if (environment.GetValueOrDefault("VIGIL__Server__ListenAddress") is null)
        {
            environment["VIGIL__Server__ListenAddress"] = "127.0.0.1";
        }

        environment["VIGIL__Server__HttpPort"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["VIGIL__Server__HttpsPort"] = httpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Unless a test chooses: a free SMTP port, no model download, and a free STUN port (tests run
        // servers side by side, so never 3478).
        foreach (var (key, value) in new[] { ("VIGIL__Ingest__SmtpPort", "0"), ("VIGIL__Vision__ModelUrl", ""), ("VIGIL__Signaling__StunPort", "0") })
        {
            if (environment.GetValueOrDefault(key) is null)
            {
                environment[key] = value;
            }
        }

        // The device-plane listeners too, unless the test chose them: never the shared defaults 8883/8444.
        foreach (var key in new[] { "VIGIL__Provisioning__MqttPort", "VIGIL__CredentialsProvider__Port" })
        {
            if (environment.GetValueOrDefault(key) is null)
            {
                environment[key] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        if (output is not null)
        {
            process.OutputDataReceived += (_, e) => output(e.Data ?? "");
            process.ErrorDataReceived += (_, e) => output(e.Data ?? "");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Waits until <c>vigil serve</c> answers <c>/readyz</c> with 200 on <paramref name="httpPort"/>. A busy
    /// machine may accept the connection and answer slowly: each try has its own timeout and a slow
    /// answer is asked again until the deadline. Fails at once when the process exits.
    /// </summary>
    public static async Task WaitUntilReadyAsync(int httpPort, Process server, TimeSpan deadline, CancellationToken cancellationToken, string host = "127.0.0.1")
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < deadline)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"vigil serve exited early with code {server.ExitCode}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri($"http://{host}:{httpPort}/readyz"), cancellationToken);
                if (response.StatusCode == System.Net.HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet, or too slow to answer on a loaded machine: ask again.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"vigil serve did not become ready within {deadline.TotalSeconds:0} s");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
