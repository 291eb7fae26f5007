using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// A Vigil installation as an operator sets one up: a data directory, accounts and cameras made
/// with the <c>vigil</c> commands, and <c>vigil serve</c> running as a real process (which serves
/// the web client from the wwwroot its build produced). Browsers reach it at <see cref="Https"/>.
/// </summary>
internal sealed partial class VigilSite : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly Dictionary<string, string?> _settings;
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _server;

    private VigilSite(TempDirectory data, Dictionary<string, string?> settings, string host, int httpPort, int httpsPort)
    {
        _data = data;
        _settings = settings;
        HttpPort = httpPort;
        HttpsPort = httpsPort;
        Https = new Uri($"https://{host}:{httpsPort}/");
    }

    /// <summary>The web client's address, as a person types it.</summary>
    public Uri Https { get; }

    public int HttpPort { get; }

    public int HttpsPort { get; }

    public string DataPath => _data.Path;

    /// <summary>Where the server listens for this test's own requests (Server:ListenAddress, default 127.0.0.1).</summary>
    public string LocalAddress => _settings.GetValueOrDefault("VIGIL__Server__ListenAddress") ?? "127.0.0.1";

    /// <summary>The server's log so far, for failure messages.</summary>
    public string Log => string.Join('\n', _log.TakeLast(200));

    /// <summary>
    /// A fresh installation with the object-detection model; <paramref name="host"/> is the name
    /// browsers use (Server:PublicHost, so the server certificate and vigil-web's redirect URIs
    /// name it). Call <see cref="StartAsync"/> once accounts and cameras are in place, or at once.
    /// </summary>
    public static VigilSite Create(string host = "localhost", IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["VIGIL__Server__PublicHost"] = host,
            ["VIGIL__Vision__ModelPath"] = SnapshotAssets.RequireModel(),
            ["VIGIL__Vision__ModelUrl"] = "",
            ["VIGIL__Ingest__SmtpPort"] = "0",
            ["VIGIL__Signaling__StunPort"] = "0",
            // Every test signs in from 127.0.0.1; the throttle has its own tests.
            ["VIGIL__Identity__SignInAttemptsPerMinute"] = "10000",
            // UploadPictureAsync posts as a camera without TLS does, to the plain HTTP port.
            ["VIGIL__Server__RequireHttps"] = "false",
            ["VIGIL__Provisioning__MqttPort"] = VigilExecutable.FreePort().ToString(CultureInfo.InvariantCulture),
            ["VIGIL__CredentialsProvider__Port"] = VigilExecutable.FreePort().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var httpPort = VigilExecutable.FreePort();
        var httpsPort = VigilExecutable.FreePort();
        // The commands use the same settings, so what they print (ports, hosts) matches the server.
        all["VIGIL__Server__HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture);
        all["VIGIL__Server__HttpsPort"] = httpsPort.ToString(CultureInfo.InvariantCulture);
        return new VigilSite(new TempDirectory("e2e"), all, host, httpPort, httpsPort);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var wwwroot = Path.Combine(Path.GetDirectoryName(VigilExecutable.Path)!, "wwwroot", "index.html");
        if (!File.Exists(wwwroot))
        {
            throw new InvalidOperationException($"{wwwroot} is missing: the web client was not built. Run scripts/build-web.sh, then build the solution (./test.sh does both).");
        }

        _server = VigilExecutable.StartServer(_data.Path, HttpPort, HttpsPort, _settings, line => _log.Enqueue(line));
        try
        {
            await VigilExecutable.WaitUntilReadyAsync(HttpPort, _server, TimeSpan.FromSeconds(120), cancellationToken, LocalAddress);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"vigil serve did not start: {e.Message}\n{Log}", e);
        }
    }

    /// <summary>Runs a <c>vigil</c> command against this installation, as the admin on the server's machine does; fails the test when it fails.</summary>
    public async Task<string> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var result = await VigilExecutable.RunAsync(_data.Path, arguments, _settings, cancellationToken: cancellationToken);
        Assert.True(result.ExitCode == 0, $"vigil {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError}{result.StandardOutput}");
        return result.StandardOutput;
    }

    /// <summary><c>vigil user add EMAIL</c>: the temporary password it prints.</summary>
    public async Task<string> AddUserAsync(string email, CancellationToken cancellationToken)
    {
        var output = await RunAsync(["user", "add", email], cancellationToken);
        return TemporaryPasswordLine().Match(output) is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException("vigil user add printed no temporary password:\n" + output);
    }

    /// <summary><c>vigil cameras add-snapshot</c>: the camera's id and its upload token.</summary>
    public async Task<SnapshotCamera> AddSnapshotCameraAsync(string owner, string name, CancellationToken cancellationToken)
    {
        var output = await RunAsync(["cameras", "add-snapshot", "--owner", owner, "--name", name], cancellationToken);
        var id = CameraIdLine().Match(output);
        var token = UploadTokenLine().Match(output);
        Assert.True(id.Success && token.Success, "unexpected output of vigil cameras add-snapshot:\n" + output);
        return new SnapshotCamera(Guid.Parse(id.Groups[1].Value), name, token.Groups[1].Value);
    }

    /// <summary>What a camera that can only upload pictures does: POST the JPEG with its upload token.</summary>
    public async Task UploadPictureAsync(SnapshotCamera camera, string picturePath, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://{LocalAddress}:{HttpPort}/"), Timeout = TimeSpan.FromSeconds(60) };
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(picturePath, cancellationToken));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/snapshot") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", camera.UploadToken);
        using var response = await client.SendAsync(request, cancellationToken);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    /// <summary>Waits until the owner has <paramref name="count"/> events (detection runs in the background), as <c>vigil events list</c> shows them.</summary>
    public async Task WaitForEventsAsync(string owner, int count, CancellationToken cancellationToken)
    {
        var output = "";
        try
        {
            await Eventually.WaitAsync(
                async () =>
                {
                    output = await RunAsync(["events", "list", "--owner", owner, "--json"], cancellationToken);
                    using var page = System.Text.Json.JsonDocument.Parse(output);
                    return page.RootElement.GetProperty("events").GetArrayLength() >= count;
                },
                TimeSpan.FromSeconds(90), $"{owner} getting {count} event(s)", cancellationToken, TimeSpan.FromMilliseconds(250));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}:\n{output}\n{Log}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false } server)
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }

        _server?.Dispose();
        _data.Dispose();
    }

    [GeneratedRegex(@"^Temporary password: (\S+)", RegexOptions.Multiline)]
    private static partial Regex TemporaryPasswordLine();

    [GeneratedRegex(@"^Camera '.*' \(([0-9a-f-]{36})\)", RegexOptions.Multiline)]
    private static partial Regex CameraIdLine();

    [GeneratedRegex(@"^\s+Upload token\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex UploadTokenLine();
}

internal sealed record SnapshotCamera(Guid Id, string Name, string UploadToken);
