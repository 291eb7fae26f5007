using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OtpNet;

namespace Vigil.Identity.Bench;

/// <summary>
/// The built <c>vigil</c> binary serving a fresh data directory on 127.0.0.1, and a user signed
/// in through the hosted pages (temporary password, new password, TOTP enrolment) and the
/// authorization code + PKCE flow, to get a real access token.
/// </summary>
internal sealed partial class BenchServer : IAsyncDisposable
{
    private const string RedirectUri = "http://127.0.0.1:9/callback";
    private const string Email = "bench@example.com";
    private const string Password = "correct horse battery staple";

    private readonly Process _process;
    private readonly DirectoryInfo _data;
    private readonly X509Certificate2 _root;

    private readonly string _vigil;
    private readonly Dictionary<string, string> _environment;

    private BenchServer(Process process, DirectoryInfo data, X509Certificate2 root, Uri https, string vigil, Dictionary<string, string> environment)
    {
        _process = process;
        _data = data;
        _root = root;
        Https = https;
        _vigil = vigil;
        _environment = environment;
    }

    public Uri Https { get; }

    public X509Certificate2 Root => _root;

    public string DataDirectory => _data.FullName;

    public int MqttPort => int.Parse(_environment["VIGIL__Provisioning__MqttPort"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs a <c>vigil</c> command on the server's data directory (while it serves) and returns its standard output.</summary>
    public Task<string> RunCliAsync(params string[] arguments) => RunAsync(_vigil, _environment, ["--data", _data.FullName, .. arguments]);

    public static async Task<BenchServer> StartAsync()
    {
        var vigil = Locate();
        var data = Directory.CreateTempSubdirectory("vigil-identity-bench-");
        var environment = new Dictionary<string, string>
        {
            ["VIGIL__Identity__Clients__0__ClientId"] = "vigil-web",
            ["VIGIL__Identity__Clients__0__RedirectUris__0"] = RedirectUri,
            ["VIGIL__Server__ListenAddress"] = "127.0.0.1",
            ["VIGIL__Server__HttpPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["VIGIL__Server__HttpsPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["VIGIL__Provisioning__MqttPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["VIGIL__Server__LogFormat"] = "Json",
            ["VIGIL__Logging__LogLevel__Default"] = "Warning",
        };
        await RunAsync(vigil, environment, "--data", data.FullName, "user", "add", Email, "--temporary-password", "temporary passphrase");
        var root = X509Certificate2.CreateFromPem(await RunAsync(vigil, environment, "--data", data.FullName, "ca", "export"));
        var start = new ProcessStartInfo(vigil) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--data", data.FullName, "serve" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new BenchServer(process, data, root, new Uri($"https://127.0.0.1:{environment["VIGIL__Server__HttpsPort"]}"), vigil, environment);
        await server.WaitUntilReadyAsync();
        return server;
    }

    public HttpClient CreateClient(int connections, CookieContainer? cookies = null) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { _root },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        })
        { BaseAddress = Https, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The whole first sign-in and the code flow, over HTTP forms as a browser without JavaScript does it.</summary>
    public async Task<string> GetAccessTokenAsync()
    {
        using var client = CreateClient(1, new CookieContainer());
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var authorize = $"/connect/authorize?client_id=vigil-web&redirect_uri={Uri.EscapeDataString(RedirectUri)}&response_type=code&scope=openid%20api&code_challenge={challenge}&code_challenge_method=S256&state=s";

        await PostFormAsync(client, "/account/signin?returnUrl=" + Uri.EscapeDataString(authorize), new() { ["Email"] = Email, ["Password"] = "temporary passphrase" });
        await PostFormAsync(client, "/account/password", new() { ["NewPassword"] = Password, ["ConfirmPassword"] = Password });
        var setup = await client.GetStringAsync("/account/mfa/setup");
        var secret = SecretPattern().Match(setup).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal);
        var code = new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp();
        await PostFormAsync(client, "/account/mfa/setup", new() { ["Code"] = code });
        using var redirect = await client.GetAsync(authorize);
        var location = redirect.Headers.Location ?? throw new InvalidOperationException($"authorize answered {(int)redirect.StatusCode}");
        var authorizationCode = CodePattern().Match(location.Query).Groups[1].Value;
        using var tokens = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = "vigil-web",
            ["code"] = Uri.UnescapeDataString(authorizationCode),
            ["code_verifier"] = verifier,
            ["redirect_uri"] = RedirectUri,
        }));
        return (await tokens.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    private static async Task PostFormAsync(HttpClient client, string url, Dictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(url);
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryPattern().Match(page).Groups[1].Value);
        using var response = await client.PostAsync(url, new FormUrlEncodedContent(fields));
        if ((int)response.StatusCode is not (200 or 302))
        {
            throw new InvalidOperationException($"POST {url} answered {(int)response.StatusCode}");
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient(1);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("vigil serve exited");
            }

            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("vigil serve did not become ready");
    }

    private static async Task<string> RunAsync(string file, Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"vigil {string.Join(' ', arguments)}: {await process.StandardError.ReadToEndAsync()}");
    }

    private static string Locate()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Vigil.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("repository root not found"), "src", "Vigil.Server", "bin", "Release", "net10.0", "vigil");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _root.Dispose();
        _data.Delete(recursive: true);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();

    [GeneratedRegex("id=\"mfa-secret\">([^<]+)<")]
    private static partial Regex SecretPattern();

    [GeneratedRegex("[?&]code=([^&]+)")]
    private static partial Regex CodePattern();
}
