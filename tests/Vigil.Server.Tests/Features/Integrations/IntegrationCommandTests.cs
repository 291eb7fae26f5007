using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Integrations;

/// <summary><c>vigil integrations</c> and <c>vigil rules add --mqtt</c> as an operator runs them.</summary>
public sealed class IntegrationCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_integration_is_created_with_a_private_key_only_its_owner_reads_listed_refused_twice_and_revoked()
    {
        using var data = new TempDirectory("cli");
        var bundle = Path.Combine(data.Path, "ha");

        var created = await VigilExecutable.RunAsync(data.Path, ["integrations", "create", "homeassistant", "--all-owners", "--out", bundle], cancellationToken: Ct);

        Assert.True(created.ExitCode == 0, created.StandardError);
        Assert.Contains("client id      homeassistant", created.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(bundle, "integration.private.key")));
        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(bundle, "integration.cert.pem"), Path.Combine(bundle, "integration.private.key"));
        using var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(bundle, "root-ca.pem"), Ct));
        Assert.Equal(root.Subject, certificate.Issuer);
        Assert.DoesNotContain("PRIVATE KEY", created.StandardOutput, StringComparison.Ordinal);

        var again = await VigilExecutable.RunAsync(data.Path, ["integrations", "create", "homeassistant", "--all-owners", "--out", Path.Combine(data.Path, "other")], cancellationToken: Ct);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("vigil: an integration named 'homeassistant' exists; revoke it first (vigil integrations revoke homeassistant) or pick another name", again.StandardError.Trim());
        var badName = await VigilExecutable.RunAsync(data.Path, ["integrations", "create", "home/assistant", "--all-owners", "--out", Path.Combine(data.Path, "bad")], cancellationToken: Ct);
        Assert.Equal(1, badName.ExitCode);
        Assert.StartsWith("vigil: 'home/assistant' is not an integration name", badName.StandardError.Trim(), StringComparison.Ordinal);
        var sameDirectory = await VigilExecutable.RunAsync(data.Path, ["integrations", "create", "nodered", "--all-owners", "--out", bundle], cancellationToken: Ct);
        Assert.Equal(1, sameDirectory.ExitCode);
        Assert.Contains("use --force", sameDirectory.StandardError, StringComparison.Ordinal);

        var list = await VigilExecutable.RunAsync(data.Path, ["integrations", "list", "--json"], cancellationToken: Ct);
        var listed = Assert.Single(JsonDocument.Parse(list.StandardOutput).RootElement.EnumerateArray());
        Assert.Equal(("homeassistant", "Active"), (listed.GetProperty("name").GetString(), listed.GetProperty("status").GetString()));

        var revoked = await VigilExecutable.RunAsync(data.Path, ["integrations", "revoke", "homeassistant"], cancellationToken: Ct);
        Assert.True(revoked.ExitCode == 0, revoked.StandardError);
        Assert.Contains("No integrations", (await VigilExecutable.RunAsync(data.Path, ["integrations", "list"], cancellationToken: Ct)).StandardOutput, StringComparison.Ordinal);
        var unknown = await VigilExecutable.RunAsync(data.Path, ["integrations", "revoke", "homeassistant"], cancellationToken: Ct);
        Assert.Equal("vigil: no integration named 'homeassistant' (vigil integrations list shows them)", unknown.StandardError.Trim());
    }

    [Fact]
    public async Task A_rule_may_have_MQTT_as_its_only_action_and_a_rule_without_any_action_is_refused_naming_MQTT()
    {
        using var data = new TempDirectory("cli");
        var account = await VigilExecutable.RunAsync(data.Path, ["user", "add", "gina@example.com"], cancellationToken: Ct);
        Assert.True(account.ExitCode == 0, account.StandardError);
        var camera = await VigilExecutable.RunAsync(data.Path, ["cameras", "add-snapshot", "--owner", "gina@example.com", "--name", "Back yard"], cancellationToken: Ct);
        Assert.True(camera.ExitCode == 0, camera.StandardError);

        var rule = await VigilExecutable.RunAsync(data.Path, ["rules", "add", "--owner", "gina@example.com", "--camera", "Back yard", "--label", "person", "--mqtt", "--json"], cancellationToken: Ct);

        Assert.True(rule.ExitCode == 0, rule.StandardError);
        var added = JsonDocument.Parse(rule.StandardOutput).RootElement;
        Assert.True(added.GetProperty("mqtt").GetBoolean());
        Assert.Equal(JsonValueKind.Null, added.GetProperty("webhookSecret").ValueKind);
        Assert.Contains("mqtt", (await VigilExecutable.RunAsync(data.Path, ["rules", "list"], cancellationToken: Ct)).StandardOutput, StringComparison.Ordinal);
        var none = await VigilExecutable.RunAsync(data.Path, ["rules", "add", "--owner", "gina@example.com", "--label", "person"], cancellationToken: Ct);
        Assert.Equal(1, none.ExitCode);
        Assert.Equal("vigil: a rule needs an action: e-mail to the owner or to an address, a webhook URL, MQTT, or several", none.StandardError.Trim());
    }

    [Fact]
    public async Task A_bad_discovery_prefix_is_refused_at_start_naming_the_setting()
    {
        using var data = new TempDirectory("cli");
        var run = await VigilExecutable.RunAsync(data.Path, ["integrations", "list"], new Dictionary<string, string?> { ["VIGIL__Integrations__DiscoveryPrefix"] = "home/#" }, cancellationToken: Ct);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Integrations:DiscoveryPrefix", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("'home/#' is not a topic level", run.StandardError, StringComparison.Ordinal);
    }
}
