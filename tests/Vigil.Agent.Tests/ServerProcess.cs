using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vigil.Server.Tests.Support;

namespace Vigil.Agent.Tests;

/// <summary><c>vigil serve</c> as a real process on free loopback ports, with the same settings for every command run against its data directory.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private ServerProcess(Process process, string data, Dictionary<string, string?> settings, int httpPort, int httpsPort)
    {
        _process = process;
        Data = data;
        Settings = settings;
        HttpPort = httpPort;
        HttpsPort = httpsPort;
    }

    public string Data { get; }

    public Dictionary<string, string?> Settings { get; }

    public int HttpPort { get; }

    public int HttpsPort { get; }

    public int MqttPort => int.Parse(Settings["VIGIL__Provisioning__MqttPort"]!, CultureInfo.InvariantCulture);

    public int CredentialsPort => int.Parse(Settings["VIGIL__CredentialsProvider__Port"]!, CultureInfo.InvariantCulture);

    /// <summary>Settings shared by the server and the commands: ports fixed up front, so claim bundles name them.</summary>
    public static Dictionary<string, string?> SettingsFor(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["VIGIL__Server__PublicHost"] = "localhost",
            ["VIGIL__Provisioning__MqttPort"] = VigilExecutable.FreePort().ToString(CultureInfo.InvariantCulture),
            ["VIGIL__CredentialsProvider__Port"] = VigilExecutable.FreePort().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Starts <c>vigil serve</c>; on the HTTPS port the settings name (<c>VIGIL__Server__HttpsPort</c>, so that a claim bundle names it), else a free one.</summary>
    public static async Task<ServerProcess> StartAsync(string data, Dictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var httpPort = VigilExecutable.FreePort();
        var httpsPort = settings.GetValueOrDefault("VIGIL__Server__HttpsPort") is { } chosen ? int.Parse(chosen, CultureInfo.InvariantCulture) : VigilExecutable.FreePort();
        var process = VigilExecutable.StartServer(data, httpPort, httpsPort, settings);
        var server = new ServerProcess(process, data, settings, httpPort, httpsPort);
        try
        {
            await VigilExecutable.WaitUntilReadyAsync(httpPort, process, TimeSpan.FromSeconds(90), cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        VigilExecutable.RunAsync(Data, arguments, Settings, cancellationToken: cancellationToken);

    /// <summary>The thing as <c>vigil things list --json</c> shows it.</summary>
    public async Task<JsonElement> ThingAsync(string name, CancellationToken cancellationToken)
    {
        var list = await RunAsync(["things", "list", "--json"], cancellationToken);
        Assert.True(list.ExitCode == 0, list.StandardError);
        using var json = JsonDocument.Parse(list.StandardOutput);
        return json.RootElement.EnumerateArray().Single(t => t.GetProperty("name").GetString() == name).Clone();
    }

    /// <summary>Waits until <c>vigil things list</c> shows the thing online (or offline).</summary>
    public Task WaitUntilOnlineAsync(string name, bool online, CancellationToken cancellationToken) =>
        Eventually.WaitAsync(
            async () => (await ThingAsync(name, cancellationToken)).GetProperty("online").GetBoolean() == online,
            TimeSpan.FromSeconds(30),
            $"{name} to show {(online ? "online" : "offline")}",
            cancellationToken);

    /// <summary>Stops the server (SIGTERM, then a kill after 30 s). Safe to call again, e.g. from a finally after a restart.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
