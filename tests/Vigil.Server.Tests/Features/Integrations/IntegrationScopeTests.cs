using System.Text;
using System.Text.Json;
using MQTTnet;
using Vigil.Server.Features.Integrations;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Integrations;

/// <summary>
/// Issue 19 item 10: an integration created for an owner reads only that owner's cameras' topics
/// and discovery entries, also through wildcard subscriptions and retained messages; one created
/// for all owners reads everyone's; <c>vigil integrations create</c> insists on one or the other.
/// </summary>
public sealed class IntegrationScopeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_owner_scoped_integration_sees_its_owners_cameras_only_even_through_wildcards_and_an_all_owners_one_sees_both()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Integrations:CameraRefreshInterval"] = "01:00:00" }, cancellationToken: Ct);
        var services = vigil.App.Services;
        var anns = (await SnapshotTestData.AddCameraAsync(services, "ann@example.com", "Ann's porch", Ct)).Camera.Id;
        var bobs = (await SnapshotTestData.AddCameraAsync(services, "bob@example.com", "Bob's garage", Ct)).Camera.Id;
        var ann = await SnapshotTestData.AccountAsync(services, "ann@example.com", Ct);
        await IntegrationClients.RefreshDiscoveryAsync(vigil, Ct);
        using var annsCertificate = await IntegrationClients.CreateAsync(vigil, "anns-home", ann, Ct);
        using var everyonesCertificate = await IntegrationClients.CreateAsync(vigil, "household", null, Ct);
        using var annsClient = await DeviceClients.ConnectAsync(vigil, annsCertificate, "anns-home", cancellationToken: Ct);
        using var everyonesClient = await DeviceClients.ConnectAsync(vigil, everyonesCertificate, "household", cancellationToken: Ct);
        var annsMessages = new MessageRecorder(annsClient);
        var everyonesMessages = new MessageRecorder(everyonesClient);

        // What Home Assistant subscribes to: wildcards across cameras are granted to both...
        foreach (var client in new[] { annsClient, everyonesClient })
        {
            var granted = await client.SubscribeAsync(IntegrationClients.Subscription("homeassistant/#", "vigil/#"), Ct);
            Assert.All(granted.Items, i => Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, i.ResultCode));
        }

        // ...but the retained discovery entries and states they deliver are the owner's only.
        await annsMessages.WaitForAsync(IntegrationTopics.PersonDiscovery("homeassistant", anns), null, Ct);
        await annsMessages.WaitForAsync(IntegrationTopics.Person(anns), null, Ct);
        await annsMessages.WaitForAsync(IntegrationTopics.Status, null, Ct);
        await everyonesMessages.WaitForAsync(IntegrationTopics.PersonDiscovery("homeassistant", bobs), null, Ct);
        await everyonesMessages.WaitForAsync(IntegrationTopics.PersonDiscovery("homeassistant", anns), null, Ct);
        await everyonesMessages.WaitForAsync(IntegrationTopics.Person(bobs), null, Ct);

        // Live events: Bob's first, then Ann's; messages to one client arrive in order, so once
        // Ann's has arrived Bob's would have too.
        var publisher = services.GetRequiredService<IntegrationPublisher>();
        await publisher.PublishAsync(IntegrationTopics.Events(bobs), Encoding.UTF8.GetBytes("{\"camera\":\"bob\"}"), retain: false, "application/json", IntegrationReach.Node, Ct);
        await publisher.PublishAsync(IntegrationTopics.Events(anns), Encoding.UTF8.GetBytes("{\"camera\":\"ann\"}"), retain: false, "application/json", IntegrationReach.Node, Ct);
        await annsMessages.WaitForAsync(IntegrationTopics.Events(anns), null, Ct);
        await everyonesMessages.WaitForAsync(IntegrationTopics.Events(anns), null, Ct);
        await everyonesMessages.WaitForAsync(IntegrationTopics.Events(bobs), null, Ct);

        // A camera added after the integration connected: Ann's new one reaches her, Bob's does not.
        var annsNew = (await SnapshotTestData.AddCameraAsync(services, "ann@example.com", "Ann's garden", Ct)).Camera.Id;
        var bobsNew = (await SnapshotTestData.AddCameraAsync(services, "bob@example.com", "Bob's shed", Ct)).Camera.Id;
        await IntegrationClients.RefreshDiscoveryAsync(vigil, Ct);
        await everyonesMessages.WaitForAsync(IntegrationTopics.PersonDiscovery("homeassistant", bobsNew), null, Ct);
        await annsMessages.WaitForAsync(IntegrationTopics.PersonDiscovery("homeassistant", annsNew), null, Ct);
        await publisher.PublishAsync(IntegrationTopics.Events(bobsNew), Encoding.UTF8.GetBytes("{}"), retain: false, "application/json", IntegrationReach.Node, Ct);
        await publisher.PublishAsync(IntegrationTopics.Events(annsNew), Encoding.UTF8.GetBytes("{}"), retain: false, "application/json", IntegrationReach.Node, Ct);
        await annsMessages.WaitForAsync(IntegrationTopics.Events(annsNew), null, Ct);

        var leaked = annsMessages.Seen.Where(m => m.Topic.Contains(bobs.ToString("N"), StringComparison.Ordinal) || m.Topic.Contains(bobs.ToString(), StringComparison.Ordinal)
            || m.Topic.Contains(bobsNew.ToString("N"), StringComparison.Ordinal) || m.Topic.Contains(bobsNew.ToString(), StringComparison.Ordinal)).Select(m => m.Topic).ToList();
        Assert.True(leaked.Count == 0, "Ann's integration received Bob's messages: " + string.Join(", ", leaked));

        // Filters that name Bob's cameras are refused outright; filters naming Ann's are granted.
        var refused = await annsClient.SubscribeAsync(IntegrationClients.Subscription(
            $"vigil/{bobs}/events", $"vigil/{bobs}/#", $"vigil/{bobs}/+", $"homeassistant/binary_sensor/vigil_{bobs:N}_person/config", $"homeassistant/+/vigil_{bobs:N}_person/#",
            "vigil/not-a-camera/events", "homeassistant/binary_sensor/other_device/config", "vigil"), Ct);
        Assert.All(refused.Items, i => Assert.True(i.ResultCode == MqttClientSubscribeResultCode.NotAuthorized, $"{i.TopicFilter.Topic}: {i.ResultCode}"));
        var own = await annsClient.SubscribeAsync(IntegrationClients.Subscription($"vigil/{anns}/events", $"vigil/{anns}/#", $"homeassistant/binary_sensor/vigil_{anns:N}_person/config", "vigil/+/person", "homeassistant/+/+/config", "vigil/status"), Ct);
        Assert.All(own.Items, i => Assert.True(i.ResultCode == MqttClientSubscribeResultCode.GrantedQoS1, $"{i.TopicFilter.Topic}: {i.ResultCode}"));
        var everyones = await everyonesClient.SubscribeAsync(IntegrationClients.Subscription($"vigil/{bobs}/events", $"homeassistant/binary_sensor/vigil_{bobs:N}_person/config"), Ct);
        Assert.All(everyones.Items, i => Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, i.ResultCode));
    }

    [Fact]
    public async Task Creating_an_integration_needs_an_owner_or_all_owners_and_the_list_says_whose_cameras_each_reads()
    {
        using var data = new TempDirectory("cli");
        Assert.True((await VigilExecutable.RunAsync(data.Path, ["user", "add", "ann@example.com"], cancellationToken: Ct)).ExitCode == 0);

        var neither = await VigilExecutable.RunAsync(data.Path, ["integrations", "create", "ha", "--out", Path.Combine(data.Path, "ha")], cancellationToken: Ct);
        Assert.Equal(1, neither.ExitCode);
        Assert.Equal("vigil: say whose cameras the integration reads: --owner EMAIL (one account's), or --all-owners (every owner's)", neither.StandardError.Trim());
        var both = await VigilExecutable.RunAsync(data.Path, ["integrations", "create", "ha", "--owner", "ann@example.com", "--all-owners", "--out", Path.Combine(data.Path, "ha")], cancellationToken: Ct);
        Assert.Equal(1, both.ExitCode);
        Assert.Equal("vigil: give either --owner EMAIL or --all-owners, not both", both.StandardError.Trim());
        var unknown = await VigilExecutable.RunAsync(data.Path, ["integrations", "create", "ha", "--owner", "nobody@example.com", "--out", Path.Combine(data.Path, "ha")], cancellationToken: Ct);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no account has the e-mail address nobody@example.com", unknown.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(data.Path, "ha")), "a refused create wrote files");

        var anns = await VigilExecutable.RunAsync(data.Path, ["integrations", "create", "anns-home", "--owner", "ann@example.com", "--out", Path.Combine(data.Path, "ann")], cancellationToken: Ct);
        Assert.True(anns.ExitCode == 0, anns.StandardError);
        Assert.Contains("reads          the cameras of ann@example.com only", anns.StandardOutput, StringComparison.Ordinal);
        var everyones = await VigilExecutable.RunAsync(data.Path, ["integrations", "create", "household", "--all-owners", "--out", Path.Combine(data.Path, "all")], cancellationToken: Ct);
        Assert.True(everyones.ExitCode == 0, everyones.StandardError);
        Assert.Contains("reads          EVERY owner's cameras (--all-owners)", everyones.StandardOutput, StringComparison.Ordinal);

        var json = await VigilExecutable.RunAsync(data.Path, ["integrations", "list", "--json"], cancellationToken: Ct);
        var listed = JsonDocument.Parse(json.StandardOutput).RootElement.EnumerateArray()
            .Select(i => (i.GetProperty("name").GetString(), i.GetProperty("owner").GetString(), i.GetProperty("allOwners").GetBoolean())).ToList();
        Assert.Equal([("anns-home", "ann@example.com", false), ("household", null, true)], listed);
        var table = (await VigilExecutable.RunAsync(data.Path, ["integrations", "list"], cancellationToken: Ct)).StandardOutput.Split('\n');
        Assert.Contains(table, line => line.StartsWith("anns-home", StringComparison.Ordinal) && line.Contains("ann@example.com", StringComparison.Ordinal));
        Assert.Contains(table, line => line.StartsWith("household", StringComparison.Ordinal) && line.Contains(IntegrationCommands.AllOwners, StringComparison.Ordinal));
    }
}
