using System.Globalization;
using System.Net;
using System.Text.Json;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Signaling.Stun;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Signaling;

public sealed class IceServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Turn_credentials_from_get_ice_server_config_allocate_on_coturn_and_a_tampered_password_does_not()
    {
        // Real coturn in TURN REST mode (use-auth-secret), as deploy/coturn/turnserver.conf runs it;
        // its relays are on loopback here, so loopback peers are allowed. The relay ports are apart
        // from those of the WebRTC tests' coturn, which may run at the same time.
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var coturn = await CoturnServer.StartAsync(
            new CoturnOptions(IPAddress.Loopback, Port: VigilExecutable.FreePort(), SharedSecret: secret, AllowLoopbackPeers: true, MinRelayPort: 52000, MaxRelayPort: 52099), Ct);
        var port = coturn.Options.Port;
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Signaling:TurnUris:0"] = $"turn:127.0.0.1:{port}?transport=udp",
            ["Signaling:TurnUris:1"] = $"turn:127.0.0.1:{port}?transport=tcp",
            ["Signaling:TurnSharedSecret"] = secret,
        }, cancellationToken: Ct);
        using var admin = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        var arn = await admin.CreateChannelAsync("camera-0001", Ct);
        using var viewer = KvsTestClient.For(vigil, TestCredentials.Temporary(vigil, CredentialPrincipal.User("guest@example.com"), TestCredentials.ViewerPolicy("camera-0001")));

        var response = await viewer.PostAsync("/v1/get-ice-server-config", $$"""{"ChannelARN":"{{arn}}","ClientId":"viewer-7","Service":"TURN"}""", Ct);
        var turn = response.Json.GetProperty("IceServerList")[0];
        var username = turn.GetProperty("Username").GetString()!;
        var password = turn.GetProperty("Password").GetString()!;
        var allocated = await AllocateAsync(port, username, password);
        var tampered = await AllocateAsync(port, username, password[..^2] + (password[^2] == 'A' ? "B=" : "A="));

        Assert.Equal(200, response.Status);
        Assert.Equal([$"turn:127.0.0.1:{port}?transport=udp", $"turn:127.0.0.1:{port}?transport=tcp"], turn.GetProperty("Uris").EnumerateArray().Select(u => u.GetString()));
        Assert.Matches(@"^\d{10}:viewer-7$", username);
        var expiry = long.Parse(username[..10], CultureInfo.InvariantCulture);
        Assert.InRange(expiry - TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(), 290, 310);
        // The TURN REST password, computed independently: HMAC-SHA1 by OpenSSL's command line.
        var hmac = await ProcessRunner.RunAsync(RequiredTool.Find("openssl", "openssl"), ["dgst", "-sha1", "-hmac", secret], standardInput: username, cancellationToken: Ct);
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(hmac.StandardOutput.Trim().Split("= ")[1])), password);
        Assert.Contains("\"Ttl\":300}", response.Text, StringComparison.Ordinal);
        Assert.True(allocated.ExitCode == 0, allocated.StandardOutput + allocated.StandardError + coturn.Output);
        Assert.NotEqual(0, tampered.ExitCode);
        Assert.Contains("Cannot complete Allocation", tampered.StandardOutput + tampered.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_turn_the_list_still_has_one_valid_entry_our_stun_server()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var admin = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        var arn = await admin.CreateChannelAsync("camera-0001", Ct);
        var stunPort = vigil.App.Services.GetRequiredService<StunServer>().Port;

        var response = await admin.PostAsync("/v1/get-ice-server-config", $$"""{"ChannelARN":"{{arn}}"}""", Ct);
        var list = response.Json.GetProperty("IceServerList");

        Assert.Equal(1, list.GetArrayLength());
        Assert.Equal([$"stun:localhost:{stunPort}"], list[0].GetProperty("Uris").EnumerateArray().Select(u => u.GetString()));
        Assert.Matches(@"^\d{10}:camera-0001$", list[0].GetProperty("Username").GetString());
        Assert.Equal(JsonValueKind.String, list[0].GetProperty("Password").ValueKind);
        Assert.Equal(["Uris", "Username", "Password", "Ttl"], list[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Many_turn_uris_are_split_into_servers_of_at_most_four()
    {
        var settings = new Dictionary<string, string?> { ["Signaling:TurnSharedSecret"] = "s", ["Signaling:StunUri"] = "stun:stun.example.com:3478" };
        for (var i = 0; i < 9; i++)
        {
            settings[$"Signaling:TurnUris:{i}"] = $"turn:turn{i}.example.com:3479";
        }

        await using var vigil = await RunningVigil.StartAsync(settings: settings, cancellationToken: Ct);
        using var admin = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        var arn = await admin.CreateChannelAsync("c", Ct);

        var list = (await admin.PostAsync("/v1/get-ice-server-config", $$"""{"ChannelARN":"{{arn}}"}""", Ct)).Json.GetProperty("IceServerList");

        Assert.Equal([4, 4, 1, 1], list.EnumerateArray().Select(s => s.GetProperty("Uris").GetArrayLength()));
        Assert.Equal("stun:stun.example.com:3478", list[3].GetProperty("Uris")[0].GetString());
    }

    [Fact]
    public async Task Get_ice_server_config_refuses_other_channels_missing_channels_and_bad_input()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var admin = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        var own = await admin.CreateChannelAsync("camera-0001", Ct);
        var other = await admin.CreateChannelAsync("camera-0002", Ct);
        using var camera = KvsTestClient.For(vigil, TestCredentials.Temporary(vigil, CredentialPrincipal.Thing("camera-0001", "cert"), TestCredentials.CameraPolicy));

        var ok = await camera.PostAsync("/v1/get-ice-server-config", $$"""{"ChannelARN":"{{own}}","ClientId":"ProducerMaster","Service":"TURN"}""", Ct);
        var denied = await camera.PostAsync("/v1/get-ice-server-config", $$"""{"ChannelARN":"{{other}}"}""", Ct);
        var missing = await admin.PostAsync("/v1/get-ice-server-config", """{"ChannelARN":"arn:aws:kinesisvideo:us-east-1:000000000000:channel/none/1"}""", Ct);
        var badClient = await admin.PostAsync("/v1/get-ice-server-config", $$"""{"ChannelARN":"{{own}}","ClientId":"a b"}""", Ct);
        var badService = await admin.PostAsync("/v1/get-ice-server-config", $$"""{"ChannelARN":"{{own}}","Service":"STUN"}""", Ct);
        var noArn = await admin.PostAsync("/v1/get-ice-server-config", "{}", Ct);

        Assert.Equal(200, ok.Status);
        Assert.Equal((401, "NotAuthorizedException"), (denied.Status, denied.ErrorType));
        Assert.Equal((404, "ResourceNotFoundException"), (missing.Status, missing.ErrorType));
        Assert.Equal("InvalidArgumentException", badClient.ErrorType);
        Assert.Equal("InvalidArgumentException", badService.ErrorType);
        Assert.Equal("InvalidArgumentException", noArn.ErrorType);
    }

    [Theory]
    [InlineData("Signaling:TurnUris:0", "turn:x:3479", "Signaling:TurnSharedSecret: is required when TurnUris is set")]
    [InlineData("Signaling:TurnUris:0", "http://x", "Signaling:TurnUris: 'http://x' is not a turn: or turns: URI")]
    [InlineData("Signaling:TurnCredentialLifetime", "00:00:30", "Signaling:TurnCredentialLifetime: must be more than 00:00:30")]
    [InlineData("Signaling:PublicBaseUrl", "http://vigil.example.com", "Signaling:PublicBaseUrl: must be an https:// URL")]
    [InlineData("Signaling:PublicBaseUrl", "https://vigil.example.com/prefix", "Signaling:PublicBaseUrl: must be an https:// URL")]
    [InlineData("Signaling:StunEnabled", "false", "Signaling:StunEnabled: GetIceServerConfig must return at least one server")]
    [InlineData("Signaling:GoAwayGrace", "02:00:00", "Signaling:GoAwayGrace: must be at least 0 and shorter than MaxConnectionDuration")]
    [InlineData("Signaling:Unknown", "1", "Signaling:Unknown: unknown setting")]
    public async Task Bad_signaling_settings_stop_start_up_naming_the_key(string key, string value, string expected)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunningVigil.StartAsync(settings: new Dictionary<string, string?> { [key] = value }, cancellationToken: Ct));

        Assert.Contains(expected, Vigil.Server.Cli.CommandRunner.Describe(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stun_port_in_use_stops_start_up_with_one_line()
    {
        using var blocker = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)blocker.Client.LocalEndPoint!).Port;

        var error = await Assert.ThrowsAsync<Vigil.Server.Hosting.StartupException>(() => RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Signaling:StunPort"] = port.ToString(CultureInfo.InvariantCulture) }, cancellationToken: Ct));

        Assert.Equal($"UDP port {port} is already in use (Signaling:StunPort); stop the other STUN server or choose another port", error.Message);
    }

    /// <summary>coturn's own TURN client: allocates a relay with these credentials, then sends and receives through it.</summary>
    private static Task<ProcessResult> AllocateAsync(int port, string username, string password) =>
        ProcessRunner.RunAsync(RequiredTool.Find("turnutils_uclient", "coturn"),
            ["-y", "-n", "3", "-u", username, "-w", password, "-p", port.ToString(CultureInfo.InvariantCulture), "127.0.0.1"],
            timeout: TimeSpan.FromSeconds(60), cancellationToken: Ct);
}
