using System.Net;
using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary><c>vigil user ...</c> as an operator runs it, and the server binary across a restart.</summary>
public sealed class UserCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void AssertOneLineError(ProcessResult result, string expected)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(expected, result.StandardError.TrimEnd('\n'));
    }

    [Fact]
    public async Task Add_prints_a_generated_temporary_password_and_list_shows_the_account_without_secrets()
    {
        using var data = new TempDirectory("data");

        var add = await VigilExecutable.RunAsync(data.Path, ["user", "add", "Admin@Example.com", "--admin"], cancellationToken: Ct);
        var addJson = await VigilExecutable.RunAsync(data.Path, ["user", "add", "viewer@example.com", "--temporary-password", "a temporary passphrase", "--json"], cancellationToken: Ct);
        var list = await VigilExecutable.RunAsync(data.Path, ["user", "list", "--json"], cancellationToken: Ct);
        var table = await VigilExecutable.RunAsync(data.Path, ["user", "list"], cancellationToken: Ct);

        Assert.True(add.ExitCode == 0, add.StandardError);
        Assert.Contains("Created Admin@Example.com (admin, user).", add.StandardOutput, StringComparison.Ordinal);
        var generated = add.StandardOutput.Split('\n').Single(l => l.StartsWith("Temporary password: ", StringComparison.Ordinal))["Temporary password: ".Length..];
        Assert.Matches("^[a-z2-9]{4}(-[a-z2-9]{4}){3}$", generated);
        Assert.Equal("a temporary passphrase", JsonDocument.Parse(addJson.StandardOutput).RootElement.GetProperty("temporaryPassword").GetString());
        var accounts = JsonDocument.Parse(list.StandardOutput).RootElement.EnumerateArray().ToList();
        Assert.Equal(["Admin@Example.com", "viewer@example.com"], accounts.Select(a => a.GetProperty("email").GetString()));
        Assert.All(accounts, a => Assert.True(a.GetProperty("mustChangePassword").GetBoolean()));
        Assert.False(accounts[0].GetProperty("mfaEnabled").GetBoolean());
        Assert.DoesNotContain(generated, list.StandardOutput + table.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("passphrase", list.StandardOutput + table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("temporary password", table.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mistakes_are_one_line_errors()
    {
        using var data = new TempDirectory("data");
        await VigilExecutable.RunAsync(data.Path, ["user", "add", "a@example.com"], cancellationToken: Ct);

        AssertOneLineError(await VigilExecutable.RunAsync(data.Path, ["user", "add", "A@example.com"], cancellationToken: Ct), "vigil: an account with email A@example.com already exists");
        AssertOneLineError(await VigilExecutable.RunAsync(data.Path, ["user", "add", "not-an-email"], cancellationToken: Ct), "vigil: 'not-an-email' is not an email address");
        AssertOneLineError(await VigilExecutable.RunAsync(data.Path, ["user", "add", "b@example.com", "--temporary-password", "short"], cancellationToken: Ct), "vigil: cannot create b@example.com: Passwords must be at least 12 characters.");
        AssertOneLineError(await VigilExecutable.RunAsync(data.Path, ["user", "disable", "nobody@example.com"], cancellationToken: Ct), "vigil: no account has email nobody@example.com");
        AssertOneLineError(await VigilExecutable.RunAsync(data.Path, ["user", "reset-mfa", "nobody@example.com"], cancellationToken: Ct), "vigil: no account has email nobody@example.com");
    }

    [Fact]
    public async Task Disable_enable_reset_mfa_and_reset_password_change_what_list_shows()
    {
        using var data = new TempDirectory("data");
        await VigilExecutable.RunAsync(data.Path, ["user", "add", "a@example.com"], cancellationToken: Ct);

        var disable = await VigilExecutable.RunAsync(data.Path, ["user", "disable", "a@example.com"], cancellationToken: Ct);
        var again = await VigilExecutable.RunAsync(data.Path, ["user", "disable", "a@example.com"], cancellationToken: Ct);
        var disabled = JsonDocument.Parse((await VigilExecutable.RunAsync(data.Path, ["user", "list", "--json"], cancellationToken: Ct)).StandardOutput).RootElement[0];
        var enable = await VigilExecutable.RunAsync(data.Path, ["user", "enable", "a@example.com"], cancellationToken: Ct);
        var resetMfa = await VigilExecutable.RunAsync(data.Path, ["user", "reset-mfa", "a@example.com"], cancellationToken: Ct);
        var resetPassword = await VigilExecutable.RunAsync(data.Path, ["user", "reset-password", "a@example.com"], cancellationToken: Ct);
        var enabled = JsonDocument.Parse((await VigilExecutable.RunAsync(data.Path, ["user", "list", "--json"], cancellationToken: Ct)).StandardOutput).RootElement[0];

        Assert.Equal("Disabled a@example.com.\n", disable.StandardOutput);
        Assert.Equal("a@example.com was already disabled.\n", again.StandardOutput);
        Assert.Equal(JsonValueKind.String, disabled.GetProperty("disabledAt").ValueKind);
        Assert.Equal("Enabled a@example.com.\n", enable.StandardOutput);
        Assert.Equal(0, resetMfa.ExitCode);
        Assert.Matches("Temporary password for a@example.com: [a-z2-9-]{19}\n", resetPassword.StandardOutput);
        Assert.Equal(JsonValueKind.Null, enabled.GetProperty("disabledAt").ValueKind);
    }

    [Fact]
    public async Task Tokens_survive_a_restart_because_the_keys_are_kept_in_the_data_directory()
    {
        using var data = new TempDirectory("data");
        var settings = new Dictionary<string, string?>
        {
            ["VIGIL__Identity__Clients__0__ClientId"] = IdentityTestServer.ClientId,
            ["VIGIL__Identity__Clients__0__RedirectUris__0"] = IdentityTestServer.RedirectUri,
        };
        var add = await VigilExecutable.RunAsync(data.Path, ["user", "add", "t@example.com", "--json"], settings, cancellationToken: Ct);
        var temporary = JsonDocument.Parse(add.StandardOutput).RootElement.GetProperty("temporaryPassword").GetString()!;
        var root = (await VigilExecutable.RunAsync(data.Path, ["ca", "export"], settings, cancellationToken: Ct)).StandardOutput;
        using var rootCertificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(root);
        var (httpPort, httpsPort) = (VigilExecutable.FreePort(), VigilExecutable.FreePort());
        var https = new Uri($"https://localhost:{httpsPort}");

        TokenResponse tokens;
        using (var server = VigilExecutable.StartServer(data.Path, httpPort, httpsPort, settings))
        {
            await VigilExecutable.WaitUntilReadyAsync(httpPort, server, TimeSpan.FromSeconds(120), Ct);
            using var browser = new AccountBrowser(rootCertificate, https);
            await browser.FirstSignInAsync("t@example.com", temporary, Ct);
            var pkce = Pkce.Create();
            var code = await browser.AuthorizeAsync(pkce, Ct);
            (_, tokens) = await browser.Client.RedeemCodeAsync(code, pkce.Verifier, Ct);
            Assert.True(ExternalProcess.Stop(server, TimeSpan.FromSeconds(30)), "vigil serve did not stop within 30 s of SIGTERM");
        }

        using (var server = VigilExecutable.StartServer(data.Path, httpPort, httpsPort, settings))
        {
            await VigilExecutable.WaitUntilReadyAsync(httpPort, server, TimeSpan.FromSeconds(120), Ct);
            using var client = RunningVigil.CreateClient(rootCertificate, https);
            var me = await client.GetMeAsync(tokens.AccessToken, Ct);
            var (status, refreshed) = await client.RefreshAsync(tokens.RefreshToken!, Ct);
            Assert.True(ExternalProcess.Stop(server, TimeSpan.FromSeconds(30)), "vigil serve did not stop within 30 s of SIGTERM");

            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.True(status == HttpStatusCode.OK, refreshed.ErrorDescription);
        }
    }

}
