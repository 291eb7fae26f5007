using System.Text.Json;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Cameras;

/// <summary><c>vigil cameras</c>, <c>vigil rules</c>, <c>vigil events</c> and <c>vigil notifications</c> as an operator runs them.</summary>
public sealed class CameraCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_camera_is_added_listed_without_secrets_given_a_rule_and_removed()
    {
        using var data = new TempDirectory("cli");
        var settings = new Dictionary<string, string?> { ["VIGIL__Server__PublicHost"] = "vigil.home.arpa" };

        var unknownOwner = await VigilExecutable.RunAsync(data.Path, ["cameras", "add-snapshot", "--owner", "gina@example.com", "--name", "Back yard"], settings, cancellationToken: Ct);
        Assert.Equal(1, unknownOwner.ExitCode);
        Assert.Equal("vigil: no account has the e-mail address gina@example.com; create it first with: vigil user add gina@example.com", unknownOwner.StandardError.Trim());
        var account = await VigilExecutable.RunAsync(data.Path, ["user", "add", "gina@example.com"], settings, cancellationToken: Ct);
        Assert.True(account.ExitCode == 0, account.StandardError);

        var added = await VigilExecutable.RunAsync(data.Path, ["cameras", "add-snapshot", "--owner", "Gina@Example.com", "--name", "Back yard", "--json"], settings, cancellationToken: Ct);
        Assert.True(added.ExitCode == 0, added.StandardError);
        var camera = JsonDocument.Parse(added.StandardOutput).RootElement;
        Assert.EndsWith("@vigil.home.arpa", camera.GetProperty("ingestAddress").GetString(), StringComparison.Ordinal);
        Assert.Equal("gina@example.com", camera.GetProperty("owner").GetString());
        Assert.Equal(26, camera.GetProperty("smtpPassword").GetString()!.Length);

        var duplicate = await VigilExecutable.RunAsync(data.Path, ["cameras", "add-snapshot", "--owner", "gina@example.com", "--name", "Back yard"], settings, cancellationToken: Ct);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Equal("vigil: gina@example.com already has a camera named 'Back yard'", duplicate.StandardError.Trim());

        var list = await VigilExecutable.RunAsync(data.Path, ["cameras", "list"], settings, cancellationToken: Ct);
        Assert.Contains("Back yard", list.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("gina@example.com", list.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(camera.GetProperty("ownerId").GetString()!, list.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(camera.GetProperty("smtpPassword").GetString()!, list.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(camera.GetProperty("uploadToken").GetString()!, list.StandardOutput, StringComparison.Ordinal);

        var rule = await VigilExecutable.RunAsync(data.Path, ["rules", "add", "--owner", "gina@example.com", "--camera", "Back yard", "--label", "person", "--label", "car", "--email", "gina@example.com", "--quiet", "23:00-06:00"], settings, cancellationToken: Ct);
        Assert.True(rule.ExitCode == 0, rule.StandardError);
        var badRule = await VigilExecutable.RunAsync(data.Path, ["rules", "add", "--owner", "gina@example.com", "--camera", "Nowhere", "--email", "gina@example.com"], settings, cancellationToken: Ct);
        Assert.Equal("vigil: gina@example.com has no snapshot camera 'Nowhere'", badRule.StandardError.Trim());
        var rules = await VigilExecutable.RunAsync(data.Path, ["rules", "list", "--json"], settings, cancellationToken: Ct);
        var listed = Assert.Single(JsonDocument.Parse(rules.StandardOutput).RootElement.EnumerateArray());
        Assert.Equal(["Person", "Car"], listed.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("gina@example.com", listed.GetProperty("owner").GetString());

        var events = await VigilExecutable.RunAsync(data.Path, ["events", "list"], settings, cancellationToken: Ct);
        Assert.Equal("No events.", events.StandardOutput.Trim());
        var notifications = await VigilExecutable.RunAsync(data.Path, ["notifications", "list"], settings, cancellationToken: Ct);
        Assert.Equal("No notifications.", notifications.StandardOutput.Trim());

        var removed = await VigilExecutable.RunAsync(data.Path, ["cameras", "remove", "Back yard"], settings, cancellationToken: Ct);
        Assert.True(removed.ExitCode == 0, removed.StandardError);
        Assert.Contains("No cameras yet", (await VigilExecutable.RunAsync(data.Path, ["cameras", "list"], settings, cancellationToken: Ct)).StandardOutput, StringComparison.Ordinal);
    }
}
