using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Cli;

/// <summary>The <c>vigil</c> binary as an operator runs it: exit codes, what it prints, what it leaves on disk.</summary>
public sealed class CommandLineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void AssertOneLineError(ProcessResult result, string expectedStart)
    {
        Assert.Equal(1, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr, got:\n" + result.StandardError + result.StandardOutput);
        Assert.StartsWith(expectedStart, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registry_file_with_one_bad_row_imports_nothing_and_names_the_row()
    {
        using var data = new TempDirectory("data");
        using var files = new TempDirectory("files");
        await File.WriteAllTextAsync(files.File("devices.csv"), "serial,secret,model\nCAM-1,secret-one,V1\nCAM 2,secret-two,V1\nCAM-3,secret-three,V1\n", Ct);

        var import = await VigilExecutable.RunAsync(data.Path, ["registry", "import", files.File("devices.csv")], cancellationToken: Ct);
        var list = await VigilExecutable.RunAsync(data.Path, ["registry", "list", "--json"], cancellationToken: Ct);

        Assert.Equal(1, import.ExitCode);
        Assert.Contains("nothing was imported", import.StandardError, StringComparison.Ordinal);
        Assert.Contains("line 3: serial 'CAM 2' may contain only letters, digits and _ . : -", import.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, list.ExitCode);
        Assert.Equal(0, JsonDocument.Parse(list.StandardOutput).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Import_reports_added_unchanged_and_conflicting_and_list_never_shows_secrets()
    {
        using var data = new TempDirectory("data");
        using var files = new TempDirectory("files");
        await File.WriteAllTextAsync(files.File("a.json"), """[{"serial":"CAM-1","secret":"secret-one","model":"V1"},{"serial":"CAM-2","secret":"secret-two","model":"V1"}]""", Ct);
        await File.WriteAllTextAsync(files.File("b.csv"), "serial,secret,model\nCAM-2,secret-two,V1\nCAM-3,secret-three,V2\n", Ct);
        await File.WriteAllTextAsync(files.File("c.csv"), "serial,secret,model\nCAM-1,guessed-wrong,V1\n", Ct);

        var first = await VigilExecutable.RunAsync(data.Path, ["registry", "import", files.File("a.json")], cancellationToken: Ct);
        var second = await VigilExecutable.RunAsync(data.Path, ["registry", "import", files.File("b.csv")], cancellationToken: Ct);
        var conflict = await VigilExecutable.RunAsync(data.Path, ["registry", "import", files.File("c.csv")], cancellationToken: Ct);
        var revoke = await VigilExecutable.RunAsync(data.Path, ["registry", "revoke", "CAM-3"], cancellationToken: Ct);
        var list = await VigilExecutable.RunAsync(data.Path, ["registry", "list", "--json"], cancellationToken: Ct);

        Assert.Contains("2 added, 0 unchanged, 0 conflicting", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 added, 1 unchanged, 0 conflicting", second.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("1 row(s) conflict with the registry; nothing was imported (0 would be added, 0 unchanged)", conflict.StandardError, StringComparison.Ordinal);
        Assert.Contains("line 2: serial CAM-1 is already registered with a different secret", conflict.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, revoke.ExitCode);
        var entries = JsonDocument.Parse(list.StandardOutput).RootElement.EnumerateArray().ToList();
        Assert.Equal(["CAM-1", "CAM-2", "CAM-3"], entries.Select(e => e.GetProperty("serial").GetString()));
        Assert.Equal(JsonValueKind.String, entries[2].GetProperty("revokedAt").ValueKind);
        Assert.DoesNotContain("secret", list.StandardOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Import_reads_standard_input_and_revoking_an_unknown_serial_fails()
    {
        using var data = new TempDirectory("data");

        var import = await VigilExecutable.RunAsync(data.Path, ["registry", "import", "-"], standardInput: "serial,secret,model\nCAM-1,secret-one,V1\n", cancellationToken: Ct);
        var revoke = await VigilExecutable.RunAsync(data.Path, ["registry", "revoke", "CAM-404"], cancellationToken: Ct);

        Assert.Equal(0, import.ExitCode);
        AssertOneLineError(revoke, "vigil: no registered device has serial CAM-404");
    }

    [Fact]
    public async Task Claim_create_writes_a_bundle_that_openssl_verifies_with_a_private_key_file()
    {
        using var data = new TempDirectory("data");
        using var bundle = new TempDirectory("bundle");

        var result = await VigilExecutable.RunAsync(data.Path, ["claim", "create", "--out", bundle.Path, "--template", "CameraTemplate"], cancellationToken: Ct);
        var verify = await OpenSsl.VerifyAsync(bundle.File("root-ca.pem"), bundle.File("claim.cert.pem"), Ct);
        var export = await VigilExecutable.RunAsync(data.Path, ["ca", "export"], cancellationToken: Ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("claim.cert.pem: OK", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(bundle.File("claim.private.key")));
        Assert.Equal((await File.ReadAllTextAsync(bundle.File("root-ca.pem"), Ct)).Trim(), export.StandardOutput.Trim());
        using var agent = JsonDocument.Parse(await File.ReadAllTextAsync(bundle.File("agent.json"), Ct));
        Assert.Equal("CameraTemplate", agent.RootElement.GetProperty("provisioningTemplate").GetString());
    }

    [Theory]
    [InlineData("VIGIL__Storage__Provider", "Mongo", "vigil: configuration error: Storage:Provider: unknown provider 'Mongo'; use Sqlite or Postgres")]
    [InlineData("VIGIL__Server__HttpPort", "eighty", "vigil: configuration error: Failed to convert configuration value 'eighty' at 'Server:HttpPort'")]
    [InlineData("VIGIL__Server__HttpPort", "70000", "vigil: configuration error: Server:HttpPort: must be a port number from 0 to 65535")]
    [InlineData("VIGIL__Storage__Provder", "Sqlite", "vigil: configuration error: Storage:Provder: unknown setting")]
    [InlineData("VIGIL__Aws__Region", "US East", "vigil: configuration error: Aws:Region: must look like an AWS region name")]
    [InlineData("VIGIL__Storage__Provider", "Postgres", "vigil: configuration error: Storage:ConnectionString: is required when Storage:Provider is Postgres")]
    [InlineData("VIGIL__Server__FrontDoorPort", "8443", "vigil: configuration error: Server:FrontDoorPort: the front door cannot share port 8443 with HTTP or HTTPS")]
    [InlineData("VIGIL__Server__FrontDoorCredentialsHost", "192.0.2.1", "vigil: configuration error: Server:FrontDoorCredentialsHost: '192.0.2.1' is not a DNS host name (a TLS client sends no SNI for an address)")]
    public async Task Bad_configuration_exits_non_zero_with_one_line_naming_the_key(string variable, string value, string expected)
    {
        using var data = new TempDirectory("data");

        var result = await VigilExecutable.RunAsync(data.Path, ["registry", "list"], new Dictionary<string, string?> { [variable] = value }, cancellationToken: Ct);

        AssertOneLineError(result, expected);
    }

    [Fact]
    public async Task A_data_directory_that_is_a_file_exits_non_zero_with_one_line()
    {
        using var files = new TempDirectory("files");
        await File.WriteAllTextAsync(files.File("not-a-directory"), "x", Ct);

        var result = await VigilExecutable.RunAsync(files.File("not-a-directory"), ["serve"], cancellationToken: Ct);

        AssertOneLineError(result, $"vigil: data directory {files.File("not-a-directory")} is a file, not a directory");
    }

    [Fact]
    public async Task A_malformed_vigil_json_in_the_data_directory_exits_non_zero_with_one_line()
    {
        using var data = new TempDirectory("data");
        await File.WriteAllTextAsync(Path.Combine(data.Path, "vigil.json"), "{ \"Storage\": ", Ct);

        var result = await VigilExecutable.RunAsync(data.Path, ["registry", "list"], cancellationToken: Ct);

        AssertOneLineError(result, "vigil: configuration error: Failed to load configuration from file");
    }

    [Fact]
    public async Task An_unreachable_postgres_exits_non_zero_with_one_line_and_no_password()
    {
        using var data = new TempDirectory("data");
        // A port bound here but not listening refuses connections, and no parallel test can
        // start a server on it meanwhile (a merely free port could be taken and answer).
        using var closedPort = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closedPort.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var settings = new Dictionary<string, string?>
        {
            ["VIGIL__Storage__Provider"] = "Postgres",
            ["VIGIL__Storage__ConnectionString"] = $"Host=127.0.0.1;Port={((IPEndPoint)closedPort.LocalEndPoint!).Port};Username=vigil;Password=hunter2;Timeout=3",
        };

        var result = await VigilExecutable.RunAsync(data.Path, ["db", "migrate"], settings, cancellationToken: Ct);

        AssertOneLineError(result, "vigil: cannot open the Postgres database: Failed to connect to 127.0.0.1:");
        Assert.DoesNotContain("hunter2", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_a_port_in_use_exits_non_zero_with_one_line()
    {
        using var data = new TempDirectory("data");
        using var blocker = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await VigilExecutable.RunAsync(data.Path, ["serve"], new Dictionary<string, string?>
        {
            ["VIGIL__Server__ListenAddress"] = "127.0.0.1",
            ["VIGIL__Server__HttpPort"] = port,
            ["VIGIL__Server__HttpsPort"] = "0",
        }, cancellationToken: Ct);

        AssertOneLineError(result, $"vigil: port {port} is already in use on 127.0.0.1 (Server:HttpPort)");
    }

    [Fact]
    public async Task Commands_work_on_the_data_directory_while_the_server_runs_without_corrupting_it()
    {
        using var data = new TempDirectory("data");
        using var files = new TempDirectory("files");
        for (var f = 0; f < 4; f++)
        {
            var rows = Enumerable.Range(f * 200, 200).Select(i => $"SN-{i:D5},secret-{i:D5},V1");
            await File.WriteAllTextAsync(files.File($"batch{f}.csv"), "serial,secret,model\n" + string.Join('\n', rows) + "\n", Ct);
        }

        var (httpPort, httpsPort) = (VigilExecutable.FreePort(), VigilExecutable.FreePort());
        using var server = VigilExecutable.StartServer(data.Path, httpPort, httpsPort);
        try
        {
            await VigilExecutable.WaitUntilReadyAsync(httpPort, server, TimeSpan.FromSeconds(60), Ct);

            var commands = Enumerable.Range(0, 4)
                .Select(f => VigilExecutable.RunAsync(data.Path, ["registry", "import", files.File($"batch{f}.csv")], cancellationToken: Ct))
                .Append(VigilExecutable.RunAsync(data.Path, ["claim", "create", "--out", files.File("claim")], cancellationToken: Ct))
                .Append(VigilExecutable.RunAsync(data.Path, ["registry", "list"], cancellationToken: Ct));
            var results = await Task.WhenAll(commands);

            Assert.All(results, r => Assert.True(r.ExitCode == 0, r.StandardError));
            using var root = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(ExtractPem(await File.ReadAllTextAsync(files.File("claim/root-ca.pem"), Ct))));
            using var client = RunningVigil.CreateClient(root, new Uri($"https://localhost:{httpsPort}"));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", Ct)).StatusCode);
        }
        finally
        {
            Stop(server);
        }

        Assert.Equal(0, server.ExitCode);
        var list = await VigilExecutable.RunAsync(data.Path, ["registry", "list", "--json"], cancellationToken: Ct);
        Assert.Equal(800, JsonDocument.Parse(list.StandardOutput).RootElement.GetArrayLength());
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data.Path, "vigil.db")}");
        await connection.OpenAsync(Ct);
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", await check.ExecuteScalarAsync(Ct));
        check.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await check.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Serve_stops_gracefully_on_sigterm()
    {
        using var data = new TempDirectory("data");
        var httpPort = VigilExecutable.FreePort();
        using var server = VigilExecutable.StartServer(data.Path, httpPort, VigilExecutable.FreePort());
        await VigilExecutable.WaitUntilReadyAsync(httpPort, server, TimeSpan.FromSeconds(60), Ct);

        Stop(server);

        Assert.Equal(0, server.ExitCode);
    }

    private static void Stop(Process server)
    {
        if (!server.HasExited)
        {
            // SIGTERM, as systemd or a container runtime sends it.
            using var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            if (!server.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                server.Kill(entireProcessTree: true);
                Assert.Fail("vigil serve did not stop within 30 s of SIGTERM");
            }
        }
    }

    private static string ExtractPem(string pem) =>
        string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));
}
