using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Deployment;

/// <summary>
/// deploy/install.sh, install-agent.sh and uninstall.sh, run for real with <c>--root</c> into a
/// temporary directory (never the machine's own /opt, /etc or /var).
/// </summary>
/// <remarks>
/// The binaries are small fakes passed with <c>--prebuilt</c>: a self-contained publish takes
/// minutes on two cores, and the framework-dependent build output of the server is 790 MB (every
/// platform's native libraries), too much to copy several times per test. What the scripts do
/// with binaries (copy, replace, keep executable) does not depend on what they are; the one thing
/// that needs the real server, that the settings file it writes is valid and read through
/// <c>VIGIL_CONFIG</c>, runs the built <c>vigil</c> against the installed directories.
/// </remarks>
public sealed class InstallScriptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string Deploy = Path.Combine(VigilBinaries.RepositoryRoot(), "deploy");

    [Fact]
    public async Task A_first_install_puts_binaries_settings_data_and_unit_in_place_with_private_permissions()
    {
        using var temp = new TempDirectory("install");
        var prebuilt = FakeBuild(temp, "build 1");
        var root = temp.File("root");

        var result = await RunAsync("install.sh", "--root", root, "--prebuilt", prebuilt, "--public-host", "vigil.test");

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        Assert.Equal("build 1", await File.ReadAllTextAsync(Path.Combine(root, "opt/vigil/build.txt"), Ct));
        AssertMode(root, "opt/vigil/vigil", "rwxr-xr-x");
        AssertMode(root, "opt/vigil/agent/linux-x64/vigil-agent", "rwxr-xr-x");
        AssertMode(root, "opt/vigil/agent/install-agent.sh", "rwxr-xr-x");
        AssertMode(root, "var/lib/vigil", "rwx------");
        AssertMode(root, "etc/vigil", "rwxr-x---");
        AssertMode(root, "etc/vigil/vigil.json", "rw-r-----");
        AssertMode(root, "etc/systemd/system/vigil.service", "rw-r--r--");
        AssertMode(root, "usr/local/bin/vigil", "rwxr-xr-x");
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Deploy, "systemd/vigil.service"), Ct), await File.ReadAllTextAsync(Path.Combine(root, "etc/systemd/system/vigil.service"), Ct));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Deploy, "systemd/vigil-agent.service"), Ct), await File.ReadAllTextAsync(Path.Combine(root, "opt/vigil/agent/systemd/vigil-agent.service"), Ct));
        using (var settings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "etc/vigil/vigil.json"), Ct)))
        {
            Assert.Equal("vigil.test", settings.RootElement.GetProperty("Server").GetProperty("PublicHost").GetString());
        }

        Assert.Contains("https://vigil.test:8443/", result.StandardOutput, StringComparison.Ordinal);
        // Under --root nothing touches the machine's users or services; it says what it would do.
        Assert.Contains("would run: useradd --system", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("would run: systemctl enable vigil", result.StandardOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "var/backups/vigil")), "a first install has nothing to back up");
    }

    [Fact]
    public async Task The_settings_file_it_writes_is_valid_and_is_the_one_the_server_reads_through_VIGIL_CONFIG()
    {
        using var temp = new TempDirectory("install");
        var root = temp.File("root");
        Assert.Equal(0, (await RunAsync("install.sh", "--root", root, "--prebuilt", FakeBuild(temp, "build 1"), "--public-host", "vigil.test")).ExitCode);
        var settingsFile = Path.Combine(root, "etc/vigil/vigil.json");
        var environment = VigilExecutable.Environment(new Dictionary<string, string?>
        {
            ["VIGIL_DATA"] = Path.Combine(root, "var/lib/vigil"),
            ["VIGIL_CONFIG"] = settingsFile,
        });

        var migrated = await ProcessRunner.RunAsync(VigilBinaries.Server, ["db", "migrate"], environment, cancellationToken: Ct);
        await File.WriteAllTextAsync(settingsFile, """{ "Server": { "HttpPort": 70000 } }""", Ct);
        var refused = await ProcessRunner.RunAsync(VigilBinaries.Server, ["db", "migrate"], environment, cancellationToken: Ct);

        Assert.True(migrated.ExitCode == 0, migrated.StandardError);
        Assert.True(File.Exists(Path.Combine(root, "var/lib/vigil/vigil.db")), "the database is created in the installed data directory");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Server:HttpPort", refused.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_run_backs_up_the_data_replaces_the_binaries_and_keeps_the_operators_settings()
    {
        using var temp = new TempDirectory("install");
        var root = temp.File("root");
        Assert.Equal(0, (await RunAsync("install.sh", "--root", root, "--prebuilt", FakeBuild(temp, "build 1", extraFile: "only-in-build-1.dll"))).ExitCode);
        await File.WriteAllTextAsync(Path.Combine(root, "var/lib/vigil/vigil.db"), "the operator's data", Ct);
        const string OperatorSettings = """{ "Server": { "PublicHost": "cams.example", "HttpsPort": 9443 } }""";
        await File.WriteAllTextAsync(Path.Combine(root, "etc/vigil/vigil.json"), OperatorSettings, Ct);

        var upgrade = await RunAsync("install.sh", "--root", root, "--prebuilt", FakeBuild(temp, "build 2"));

        Assert.True(upgrade.ExitCode == 0, upgrade.StandardError + upgrade.StandardOutput);
        Assert.Contains("Vigil upgraded.", upgrade.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("would run: systemctl stop vigil", upgrade.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("build 2", await File.ReadAllTextAsync(Path.Combine(root, "opt/vigil/build.txt"), Ct));
        Assert.False(File.Exists(Path.Combine(root, "opt/vigil/only-in-build-1.dll")), "the old build's files are gone, not mixed with the new");
        Assert.Equal(OperatorSettings, await File.ReadAllTextAsync(Path.Combine(root, "etc/vigil/vigil.json"), Ct));
        Assert.Contains("https://cams.example:9443/", upgrade.StandardOutput, StringComparison.Ordinal);
        var backup = Assert.Single(Directory.GetDirectories(Path.Combine(root, "var/backups/vigil")));
        Assert.Matches(@"/data-\d{8}T\d{6}Z$", backup);
        Assert.Equal("the operator's data", await File.ReadAllTextAsync(Path.Combine(backup, "vigil.db"), Ct));
        AssertMode(root, "var/backups/vigil", "rwx------");
        Assert.Contains(backup, upgrade.StandardOutput, StringComparison.Ordinal);

        var again = await RunAsync("install.sh", "--root", root, "--prebuilt", FakeBuild(temp, "build 3"));

        Assert.Equal(0, again.ExitCode);
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(root, "var/backups/vigil")).Length);
    }

    [Fact]
    public async Task Uninstall_removes_service_and_binaries_but_keeps_data_and_settings_until_purge()
    {
        using var temp = new TempDirectory("install");
        var root = temp.File("root");
        Assert.Equal(0, (await RunAsync("install.sh", "--root", root, "--prebuilt", FakeBuild(temp, "build 1"))).ExitCode);
        await File.WriteAllTextAsync(Path.Combine(root, "var/lib/vigil/vigil.db"), "data", Ct);

        var uninstall = await RunAsync("uninstall.sh", "--root", root);

        Assert.True(uninstall.ExitCode == 0, uninstall.StandardError);
        Assert.False(Directory.Exists(Path.Combine(root, "opt/vigil")));
        Assert.False(File.Exists(Path.Combine(root, "etc/systemd/system/vigil.service")));
        Assert.False(File.Exists(Path.Combine(root, "usr/local/bin/vigil")));
        Assert.True(File.Exists(Path.Combine(root, "var/lib/vigil/vigil.db")));
        Assert.True(File.Exists(Path.Combine(root, "etc/vigil/vigil.json")));
        Assert.Contains("would run: systemctl disable vigil", uninstall.StandardOutput, StringComparison.Ordinal);

        var purge = await RunAsync("uninstall.sh", "--root", root, "--purge");

        Assert.True(purge.ExitCode == 0, purge.StandardError);
        Assert.False(Directory.Exists(Path.Combine(root, "var/lib/vigil")));
        Assert.False(Directory.Exists(Path.Combine(root, "etc/vigil")));
        Assert.Contains("would run: userdel vigil", purge.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_agent_keeps_the_claim_key_private_writes_the_serial_and_provisions_with_the_installed_paths()
    {
        using var temp = new TempDirectory("install");
        var root = temp.File("root");
        var bundle = ClaimBundle(temp);
        var agent = Directory.CreateDirectory(temp.File("agent")).FullName;
        // A stand-in for vigil-agent that records how it was called.
        WriteExecutable(Path.Combine(agent, "vigil-agent"), "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/called-with\"\n");

        var result = await RunAsync("install-agent.sh", "--root", root, "--prebuilt", agent, "--provision", bundle, "CAM-0001");

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        AssertMode(root, "opt/vigil-agent/vigil-agent", "rwxr-xr-x");
        AssertMode(root, "etc/vigil-agent", "rwxr-x---");
        AssertMode(root, "etc/vigil-agent/claim.private.key", "rw-------");
        AssertMode(root, "etc/vigil-agent/agent.json", "rw-r-----");
        AssertMode(root, "var/lib/vigil-agent", "rwx------");
        Assert.Equal("key", await File.ReadAllTextAsync(Path.Combine(root, "etc/vigil-agent/claim.private.key"), Ct));
        Assert.Contains("Environment=VIGIL_AGENT_SERIAL=CAM-0001", await File.ReadAllTextAsync(Path.Combine(root, "etc/systemd/system/vigil-agent.service.d/serial.conf"), Ct), StringComparison.Ordinal);
        Assert.Equal(
            $"provision --config {root}/etc/vigil-agent/agent.json --state {root}/var/lib/vigil-agent --serial CAM-0001",
            (await File.ReadAllTextAsync(Path.Combine(root, "opt/vigil-agent/called-with"), Ct)).Trim());
        Assert.Contains("would run: chown vigil-agent:vigil-agent " + root + "/etc/vigil-agent/claim.private.key", result.StandardOutput, StringComparison.Ordinal);

        // Again with an agent.json the operator edited (the video source): kept, the bundle's beside it.
        await File.WriteAllTextAsync(Path.Combine(root, "etc/vigil-agent/agent.json"), """{ "source": "rtsp://cam/1" }""", Ct);
        var upgrade = await RunAsync("install-agent.sh", "--root", root, "--prebuilt", agent, bundle, "CAM-0001");

        Assert.True(upgrade.ExitCode == 0, upgrade.StandardError);
        Assert.Contains("vigil-agent upgraded.", upgrade.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("""{ "source": "rtsp://cam/1" }""", await File.ReadAllTextAsync(Path.Combine(root, "etc/vigil-agent/agent.json"), Ct));
        Assert.True(File.Exists(Path.Combine(root, "etc/vigil-agent/agent.json.new")));
        Assert.Contains("would run: runuser -u vigil-agent", upgrade.StandardOutput, StringComparison.Ordinal);

        var uninstall = await RunAsync("uninstall.sh", "--root", root, "--agent");

        Assert.True(uninstall.ExitCode == 0, uninstall.StandardError);
        Assert.False(Directory.Exists(Path.Combine(root, "opt/vigil-agent")));
        Assert.False(Directory.Exists(Path.Combine(root, "etc/systemd/system/vigil-agent.service.d")));
        Assert.True(File.Exists(Path.Combine(root, "etc/vigil-agent/claim.private.key")), "the camera's files stay without --purge");
    }

    [Fact]
    public async Task Install_agent_refuses_a_serial_the_registry_would_refuse_before_touching_anything()
    {
        using var temp = new TempDirectory("install");
        var root = temp.File("root");

        var result = await RunAsync("install-agent.sh", "--root", root, "--prebuilt", temp.Path, ClaimBundle(temp), "CAM 1\nExecStart=/bin/sh");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("SERIAL", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public async Task The_installed_units_pass_systemd_analyze_verify()
    {
        using var temp = new TempDirectory("install");
        var root = temp.File("root");
        Assert.Equal(0, (await RunAsync("install.sh", "--root", root, "--prebuilt", FakeBuild(temp, "build 1"))).ExitCode);
        var agent = Directory.CreateDirectory(temp.File("agent")).FullName;
        WriteExecutable(Path.Combine(agent, "vigil-agent"), "#!/bin/sh\n");
        Assert.Equal(0, (await RunAsync("install-agent.sh", "--root", root, "--prebuilt", agent, ClaimBundle(temp), "CAM-0001")).ExitCode);
        // verify --root resolves the units' dependencies (sysinit.target, ...) and their ExecStart
        // binaries inside the root, so the root gets the machine's own unit files.
        Directory.CreateDirectory(Path.Combine(root, "usr/lib/systemd"));
        Assert.Equal(0, (await ProcessRunner.RunAsync(RequiredTool.Find("cp", "coreutils"), ["-r", "/usr/lib/systemd/system", Path.Combine(root, "usr/lib/systemd/")], cancellationToken: Ct)).ExitCode);

        var verify = await ProcessRunner.RunAsync(RequiredTool.Find("systemd-analyze", "systemd"), ["verify", "--root=" + root, "vigil.service", "vigil-agent.service"], cancellationToken: Ct);

        // Unknown or misspelt directives are only warnings on stderr: none are allowed either.
        Assert.True(verify.ExitCode == 0 && verify.StandardError.Length == 0, $"systemd-analyze verify: exit {verify.ExitCode}\n{verify.StandardError}");
    }

    [Fact]
    public async Task The_deploy_scripts_are_shellcheck_clean()
    {
        var scripts = Directory.GetFiles(Deploy, "*.sh").Order(StringComparer.Ordinal).ToArray();

        var result = await ProcessRunner.RunAsync(RequiredTool.Find("shellcheck", "shellcheck"), scripts, cancellationToken: Ct);

        Assert.Contains(Path.Combine(Deploy, "install.sh"), scripts);
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
    }

    private static Task<ProcessResult> RunAsync(string script, params string[] arguments) =>
        ProcessRunner.RunAsync(RequiredTool.Find("bash", "bash"), [Path.Combine(Deploy, script), .. arguments], cancellationToken: Ct);

    /// <summary>A stand-in for published binaries in the layout <c>--prebuilt</c> takes.</summary>
    private static string FakeBuild(TempDirectory temp, string version, string? extraFile = null)
    {
        var build = temp.File("build-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(build, "server"));
        Directory.CreateDirectory(Path.Combine(build, "agent", "linux-x64"));
        WriteExecutable(Path.Combine(build, "server", "vigil"), "#!/bin/sh\necho vigil \"$@\"\n");
        WriteExecutable(Path.Combine(build, "agent", "linux-x64", "vigil-agent"), "#!/bin/sh\necho vigil-agent \"$@\"\n");
        File.WriteAllText(Path.Combine(build, "server", "build.txt"), version);
        if (extraFile is not null)
        {
            File.WriteAllText(Path.Combine(build, "server", extraFile), "");
        }

        return build;
    }

    private static string ClaimBundle(TempDirectory temp)
    {
        var bundle = Directory.CreateDirectory(temp.File("bundle")).FullName;
        File.WriteAllText(Path.Combine(bundle, "agent.json"), """{ "mqtt": "vigil.test:8883" }""");
        File.WriteAllText(Path.Combine(bundle, "claim.cert.pem"), "cert");
        File.WriteAllText(Path.Combine(bundle, "claim.private.key"), "key");
        File.WriteAllText(Path.Combine(bundle, "root-ca.pem"), "ca");
        return bundle;
    }

    private static void WriteExecutable(string path, string content)
    {
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
    }

    private static void AssertMode(string root, string relative, string expected)
    {
        var mode = File.GetUnixFileMode(Path.Combine(root, relative));
        var text = string.Concat(
            (mode & UnixFileMode.UserRead) != 0 ? "r" : "-", (mode & UnixFileMode.UserWrite) != 0 ? "w" : "-", (mode & UnixFileMode.UserExecute) != 0 ? "x" : "-",
            (mode & UnixFileMode.GroupRead) != 0 ? "r" : "-", (mode & UnixFileMode.GroupWrite) != 0 ? "w" : "-", (mode & UnixFileMode.GroupExecute) != 0 ? "x" : "-",
            (mode & UnixFileMode.OtherRead) != 0 ? "r" : "-", (mode & UnixFileMode.OtherWrite) != 0 ? "w" : "-", (mode & UnixFileMode.OtherExecute) != 0 ? "x" : "-");
        Assert.True(text == expected, $"{relative}: mode {text}, expected {expected}");
    }
}
