using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MQTTnet;
using OpenIddict.Abstractions;
using Vigil.Contracts.Agent;
using Vigil.Server.Features.Identity;
using Vigil.Server.Features.Pki;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Features.Signaling;
using Vigil.Server.Hosting;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Hosting;

/// <summary>
/// The front door (<c>Server:FrontDoorPort</c>): one TLS port that sends ALPN <c>x-amzn-mqtt-ca</c> to the MQTT
/// broker, the credentials host (SNI) to the credentials provider, and everything else to the web endpoints
/// without ever asking for a client certificate. Handshakes are checked with OpenSSL's s_client (its -msg trace
/// lists every handshake message, decrypted ones of TLS 1.3 included).
/// </summary>
public sealed class FrontDoorTests
{
    private const string PublicHost = "vigil.test";
    private const string CredentialsHost = "credentials.vigil.test";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<RunningVigil> StartAsync(LogCapture? log = null, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["Server:PublicHost"] = PublicHost, ["Server:FrontDoorPort"] = "0" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return RunningVigil.StartAsync(settings: all, services: log is null ? null : log.Register, cancellationToken: Ct);
    }

    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task A_browser_like_client_is_never_sent_a_certificate_request_and_gets_http2(string version)
    {
        await using var vigil = await StartAsync();

        var browser = await SClientAsync(vigil, PublicHost, "h2,http/1.1", version);
        var noName = await SClientAsync(vigil, null, "h2,http/1.1", version);
        // The control: the credentials host does ask, so the trace would show it.
        var credentials = await SClientAsync(vigil, CredentialsHost, "http/1.1", version);

        Assert.True(browser.ExitCode == 0, browser.StandardError);
        Assert.Contains("ServerHello", browser.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("CertificateRequest", browser.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ALPN protocol: h2", browser.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("CertificateRequest", noName.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("CertificateRequest", credentials.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_web_pages_and_the_kvs_api_answer_through_the_front_door_over_http2_and_http1_without_a_client_certificate()
    {
        await using var vigil = await StartAsync();
        var admin = await Features.Signaling.TestCredentials.AdminKeyAsync(vigil);

        foreach (var version in new[] { HttpVersion.Version20, HttpVersion.Version11 })
        {
            using var http = Client(vigil, PublicHost, certificate: null);
            http.DefaultRequestVersion = version;
            http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            using var page = await http.GetAsync("/account/signin", Ct);
            using var health = await http.GetAsync("/healthz", Ct);
            using var credentials = await http.GetAsync("/role-aliases/VigilCameraRoleAlias/credentials", Ct);

            Assert.Equal((HttpStatusCode.OK, version), (page.StatusCode, page.Version));
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            // The credentials provider answers only on its own host (as on its own port).
            Assert.Equal(HttpStatusCode.NotFound, credentials.StatusCode);
        }

        using var kvs = Features.Signaling.KvsTestClient.For(vigil, admin);
        var arn = await kvs.CreateChannelAsync("door-cam", Ct);
        var endpoint = await kvs.PostAsync("/getSignalingChannelEndpoint", $$$"""{"ChannelARN":"{{{arn}}}","SingleMasterChannelEndpointConfiguration":{"Protocols":["WSS","HTTPS"],"Role":"MASTER"}}""", Ct);
        // The public address is the front door's: a KVS C SDK camera follows these URLs.
        Assert.Contains($"wss://{PublicHost}:{vigil.FrontDoorPort}/signaling/master", endpoint.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_credentials_host_needs_a_device_certificate_and_serves_only_the_credentials_provider()
    {
        var log = new LogCapture();
        await using var vigil = await StartAsync(log);
        await DeviceClients.ImportAsync(vigil, "DOOR-1");
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "DOOR-1", cancellationToken: Ct);

        using (var http = Client(vigil, CredentialsHost, device))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/role-aliases/VigilCameraRoleAlias/credentials") { Headers = { { "x-amzn-iot-thingname", "DOOR-1" } } };
            using var response = await http.SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal(new Version(1, 1), response.Version);
            Assert.StartsWith("ASIA", JsonDocument.Parse(body).RootElement.GetProperty("credentials").GetProperty("accessKeyId").GetString(), StringComparison.Ordinal);

            using var other = await http.GetAsync("/healthz", Ct);
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        using (var anonymous = Client(vigil, CredentialsHost, certificate: null))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetAsync("/role-aliases/VigilCameraRoleAlias/credentials", Ct));
        }

        var refusal = await log.WaitForAsync(l => l.Message.StartsWith("front door (credentials provider): TLS connection", StringComparison.Ordinal), Ct);
        Assert.EndsWith("refused: no client certificate", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mqtt_goes_through_with_its_alpn_and_a_certificate_and_h2_only_on_the_credentials_host_is_refused_and_logged()
    {
        var log = new LogCapture();
        await using var vigil = await StartAsync(log);
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        var port = vigil.FrontDoorPort!.Value;

        using (var client = new MqttClientFactory().CreateMqttClient())
        {
            var result = await client.ConnectAsync(MqttOptions(vigil, claim, port, "x-amzn-mqtt-ca"), Ct);
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        }

        using (var client = new MqttClientFactory().CreateMqttClient())
        {
            // ALPN mqtt, without a certificate: the MQTT route's handshake refuses it.
            await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(MqttOptions(vigil, null, port, "mqtt"), Ct));
        }

        using (var client = new MqttClientFactory().CreateMqttClient())
        {
            // No ALPN: that is a web client, and MQTT bytes get no CONNACK from the web endpoints.
            await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(MqttOptions(vigil, claim, port, null), Ct));
        }

        var h2Only = await SClientAsync(vigil, CredentialsHost, "h2", "-tls1_3");
        Assert.Contains("no application protocol", h2Only.StandardError, StringComparison.Ordinal);
        var line = await log.WaitForAsync(l => l.Message.Contains("offered ALPN h2;", StringComparison.Ordinal), Ct);
        Assert.Matches(@"^front door \(credentials provider\): TLS connection from 127\.0\.0\.1:\d+ refused: the client offered ALPN h2; this route speaks http/1\.1 \(or no ALPN\)$", line.Message);
    }

    [Fact]
    public async Task The_certificate_covers_the_credentials_host_and_agent_json_names_the_front_door()
    {
        var port = VigilExecutable.FreePort();
        await using var vigil = await StartAsync(settings: new Dictionary<string, string?> { ["Server:FrontDoorPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var output = new TempDirectory("claim");

        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ClaimBundleWriter>().WriteAsync(output.Path, null, false, Ct);
        }

        var agent = JsonSerializer.Deserialize(await File.ReadAllTextAsync(output.File("agent.json"), Ct), AgentJsonContext.Default.AgentConfiguration)!;
        Assert.Equal((PublicHost, port, "x-amzn-mqtt-ca"), (agent.Mqtt.Host, agent.Mqtt.Port, agent.Mqtt.Alpn));
        Assert.Equal(new Uri($"https://{CredentialsHost}:{port}/"), agent.CredentialsProvider.Url);
        Assert.Equal(new Uri($"https://{PublicHost}:{port}/"), agent.HttpsBaseUrl);
        var names = vigil.App.Services.GetRequiredService<ServerCertificateProvider>().Current.Extensions
            .OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
        Assert.Contains(CredentialsHost, names);
        Assert.Equal($"https://{PublicHost}:{port}", vigil.App.Services.GetRequiredService<SignalingUrls>().Https);

        // The web client may be opened through the front door as well as on the HTTPS port.
        await using var oidc = vigil.App.Services.CreateAsyncScope();
        var applications = oidc.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var web = await applications.FindByClientIdAsync(IdentityScopes.WebClientId, Ct);
        var redirects = await applications.GetRedirectUrisAsync(web!, Ct);
        Assert.Contains($"https://{PublicHost}:{port}/auth/callback", redirects);
        Assert.Contains($"https://{PublicHost}/auth/callback", redirects); // Server:HttpsPort 0 in tests: the host alone
    }

    [Fact]
    public async Task Without_the_setting_there_is_no_front_door_and_agent_json_keeps_the_separate_ports()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Server:PublicHost"] = PublicHost }, cancellationToken: Ct);
        using var output = new TempDirectory("claim");
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ClaimBundleWriter>().WriteAsync(output.Path, null, false, Ct);
        }

        var agent = JsonSerializer.Deserialize(await File.ReadAllTextAsync(output.File("agent.json"), Ct), AgentJsonContext.Default.AgentConfiguration)!;
        Assert.Null(vigil.FrontDoorPort);
        Assert.Null(agent.Mqtt.Alpn);
        Assert.DoesNotContain("alpn", await File.ReadAllTextAsync(output.File("agent.json"), Ct), StringComparison.Ordinal);
        Assert.Equal(PublicHost, agent.CredentialsProvider.Url.Host);
    }

    [Fact]
    public async Task A_front_door_on_another_listeners_port_or_without_a_credentials_name_stops_start_up_naming_the_keys()
    {
        var mqtt = VigilExecutable.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var clash = await Assert.ThrowsAsync<StartupException>(() => StartAsync(settings: new Dictionary<string, string?>
        {
            ["Server:FrontDoorPort"] = mqtt,
            ["Provisioning:MqttPort"] = mqtt,
        }));
        var address = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(settings: new Dictionary<string, string?> { ["Server:PublicHost"] = "192.0.2.10" }));

        Assert.Equal($"Server:FrontDoorPort {mqtt} is also Provisioning:MqttPort; the front door serves MQTT and the credentials provider itself, on a port of its own", clash.Message);
        Assert.Contains("Server:FrontDoorCredentialsHost: is required with Server:FrontDoorPort when Server:PublicHost is an address (192.0.2.10)", address.Message, StringComparison.Ordinal);
    }

    internal static MqttClientOptions MqttOptions(RunningVigil vigil, X509Certificate2? certificate, int port, string? alpn)
    {
        var options = DeviceClients.Options(vigil, certificate, "door-" + (alpn ?? "none"), port: port);
        ((MqttClientTcpOptions)options.ChannelOptions).TlsOptions.ApplicationProtocols = alpn is null ? null : [new SslApplicationProtocol(alpn)];
        return options;
    }

    /// <summary>An HTTPS client for <paramref name="host"/> (its SNI and Host) that connects to the front door on 127.0.0.1, as DNS would send it.</summary>
    private static HttpClient Client(RunningVigil vigil, string host, X509Certificate2? certificate)
    {
        var handler = VigilTrust.Handler(vigil.RootCertificate, certificate);
        var port = vigil.FrontDoorPort!.Value;
        handler.ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://{host}:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>OpenSSL's s_client without a client certificate, printing every handshake message (-msg).</summary>
    private static async Task<ProcessResult> SClientAsync(RunningVigil vigil, string? serverName, string alpn, string version)
    {
        using var files = new TempDirectory("door");
        await File.WriteAllTextAsync(files.File("root.pem"), vigil.RootCertificate.ExportCertificatePem(), Ct);
        List<string> arguments = ["s_client", "-connect", $"127.0.0.1:{vigil.FrontDoorPort}", "-alpn", alpn, version, "-msg", "-CAfile", files.File("root.pem")];
        arguments.AddRange(serverName is null ? ["-noservername"] : ["-servername", serverName]);
        return await ProcessRunner.RunAsync(RequiredTool.Find("openssl", "openssl"), arguments, standardInput: "", timeout: TimeSpan.FromSeconds(30), cancellationToken: Ct);
    }
}
