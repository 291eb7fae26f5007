using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Vigil.Server.Features.Integrations;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Integrations;

/// <summary>
/// The whole path with a client we did not write: mqtt.js (tests/compat/home-assistant.mjs)
/// connects as Home Assistant with an integration certificate, a camera uploads the darknet
/// person.jpg, and Home Assistant gets the discovery config, the event and the sensor ON then OFF.
/// </summary>
public sealed class HomeAssistantMqttJsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Home_Assistant_on_mqtt_js_discovers_the_camera_and_gets_the_person_event_and_sensor_states()
    {
        var compat = CompatClients.Directory("mqtt");
        var node = Requirements.Executable("node");
        var person = await File.ReadAllBytesAsync(SnapshotAssets.Picture("person.jpg"), Ct);
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?>
        {
            ["Integrations:PersonOffDelay"] = "00:00:02",
            ["Integrations:CameraRefreshInterval"] = "00:00:00.2",
            ["Integrations:PictureBaseUrl"] = "https://vigil.home.arpa:8443",
        }), cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "alice@example.com", "Front door", Ct);
        await SnapshotTestData.AddRuleAsync(vigil.App.Services, new RuleSpecification(camera.Camera.OwnerId, null, [], ["Person"], 0.5, null, null, null, Mqtt: true), Ct);
        var bundle = await IntegrationClients.CreateBundleAsync(vigil, "homeassistant", Ct);
        var ready = Path.Combine(bundle, "ready");

        var homeAssistant = ProcessRunner.RunAsync(
            node,
            [Path.Combine(compat, "home-assistant.mjs")],
            new Dictionary<string, string?>
            {
                ["VIGIL_MQTT_PORT"] = vigil.MqttPort().ToString(CultureInfo.InvariantCulture),
                ["VIGIL_CA"] = Path.Combine(bundle, IntegrationDirectory.RootCaFile),
                ["VIGIL_CERT"] = Path.Combine(bundle, IntegrationDirectory.CertificateFile),
                ["VIGIL_KEY"] = Path.Combine(bundle, IntegrationDirectory.KeyFile),
                ["VIGIL_CLIENT_ID"] = "homeassistant",
                ["VIGIL_CAMERA_ID"] = camera.Camera.Id.ToString(),
                ["VIGIL_READY_FILE"] = ready,
            },
            timeout: TimeSpan.FromMinutes(2),
            cancellationToken: Ct);
        await Eventually.WaitAsync(() => Task.FromResult(File.Exists(ready) || homeAssistant.IsCompleted), TimeSpan.FromSeconds(60), "mqtt.js subscribed", Ct);
        Assert.False(homeAssistant.IsCompleted, homeAssistant.IsCompleted ? (await homeAssistant).StandardError : "");

        using var client = vigil.CreateClient();
        using (var upload = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/snapshot") { Content = new ByteArrayContent(person) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } } })
        {
            upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", camera.UploadToken);
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(upload, Ct)).StatusCode);
        }

        var run = await homeAssistant;
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        using var json = JsonDocument.Parse(run.StandardOutput);
        var r = json.RootElement;
        var id = camera.Camera.Id;

        Assert.Equal([1, 1], r.GetProperty("granted").EnumerateArray().Select(g => g.GetInt32()));
        Assert.Equal("online", r.GetProperty("status").GetString());
        var config = r.GetProperty("config");
        Assert.True(config.GetProperty("retained").GetBoolean());
        Assert.Equal($"vigil_{id:N}_person", config.GetProperty("body").GetProperty("unique_id").GetString());
        Assert.Equal($"vigil/{id}/person", config.GetProperty("body").GetProperty("state_topic").GetString());
        Assert.Equal("Front door", config.GetProperty("body").GetProperty("device").GetProperty("name").GetString());

        // The sensor was OFF (published when the camera was discovered), went ON with the person and OFF two seconds later.
        var states = r.GetProperty("person").EnumerateArray().Select(s => s.GetString()).ToList();
        var on = states.IndexOf("ON");
        Assert.True(on >= 0 && states.IndexOf("OFF", on) > on, string.Join(",", states));

        var message = Assert.Single(r.GetProperty("events").EnumerateArray());
        Assert.False(message.GetProperty("retained").GetBoolean());
        Assert.Equal(1, message.GetProperty("qos").GetInt32());
        var body = message.GetProperty("body");
        var deliveries = await SnapshotTestData.DeliveriesAsync(vigil.App.Services, Ct);
        var delivery = Assert.Single(deliveries);
        Assert.Equal((MqttRuleAction.Kind, DeliveryStatus.Sent, $"vigil/{id}/events"), (delivery.Action, delivery.Status, delivery.Target));
        Assert.Equal("vigil.event", body.GetProperty("type").GetString());
        Assert.Equal(delivery.EventKey, body.GetProperty("eventId").GetGuid());
        Assert.Equal(delivery.Id, body.GetProperty("deliveryId").GetInt64());
        Assert.Equal(id, body.GetProperty("cameraId").GetGuid());
        Assert.Equal("Front door", body.GetProperty("camera").GetString());
        Assert.Equal("Upload", body.GetProperty("source").GetString());
        Assert.Equal("Person", body.GetProperty("rule").GetString());
        Assert.Contains(body.GetProperty("labels").EnumerateArray(), l => l.GetProperty("label").GetString() == "Person" && l.GetProperty("confidence").GetDouble() >= 0.5);
        Assert.Equal($"https://vigil.home.arpa:8443/api/events/{delivery.EventKey}/picture", body.GetProperty("pictureUrl").GetString());
        Assert.True(DateTimeOffset.TryParse(body.GetProperty("occurredAt").GetString(), CultureInfo.InvariantCulture, out _));

        var publish = r.GetProperty("publish");
        Assert.True(publish.GetProperty("refused").GetBoolean());
        Assert.Equal(0x87, publish.GetProperty("reasonCode").GetInt32());

        // A second picture within the cooldown: an event, and a suppressed MQTT notification, recorded with its reason.
        using (var again = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/snapshot") { Content = new ByteArrayContent(person) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } } })
        {
            again.Headers.Authorization = new AuthenticationHeaderValue("Bearer", camera.UploadToken);
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(again, Ct)).StatusCode);
        }

        await SnapshotTestData.WaitForEventsAsync(vigil.App.Services, 2, Ct);
        var second = (await SnapshotTestData.DeliveriesAsync(vigil.App.Services, Ct))[^1];
        Assert.Equal((MqttRuleAction.Kind, DeliveryStatus.Suppressed), (second.Action, second.Status));
        Assert.StartsWith("cooldown", second.Reason, StringComparison.Ordinal);
    }
}
