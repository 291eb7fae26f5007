using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Tests.Features.Signaling;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Hosting;

/// <summary>
/// <c>GET /metrics</c> after the things an operator watches happened for real: a camera
/// provisioned over MQTT, a signaling offer relayed between two WebSockets, TURN credentials
/// handed out, a camera e-mail with a person in it turned into an event and an e-mail
/// notification through a real SMTP relay. The output is parsed by Prometheus's own Python client.
/// </summary>
/// <remarks>
/// Alone in its collection: a Meter listener sees the instruments of every host in the process
/// (OpenTelemetry listens by meter name, not by the host's IMeterFactory), so another test's
/// server running at the same time would add its connections and events to these counts. In
/// production a process has one host.
/// </remarks>
[Collection(Name)]
public sealed partial class MetricsTests(MetricsTests.ExercisedServer server) : IClassFixture<MetricsTests.ExercisedServer>
{
    public const string Name = "Metrics: no other server in the process";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Each_exercised_part_is_counted()
    {
        var scrape = server.Scrape;

        Assert.Equal(1, scrape.Sum("vigil_provisioning_requests_total", ("operation", "create_certificate_from_csr"), ("outcome", "accepted")));
        Assert.Equal(1, scrape.Sum("vigil_provisioning_requests_total", ("operation", "register_thing"), ("outcome", "accepted")));
        Assert.Equal(1, scrape.Sum("vigil_provisioning_duration_seconds_count", ("operation", "register_thing")));
        Assert.Equal(1, scrape.Sum("vigil_mqtt_connections", ("kind", "device")));
        Assert.Equal(1, scrape.Sum("vigil_mqtt_connection_refusals_total", ("reason", "client_id_mismatch")));

        Assert.Equal(1, scrape.Sum("vigil_signaling_connections", ("role", "master")));
        Assert.Equal(1, scrape.Sum("vigil_signaling_connections", ("role", "viewer")));
        Assert.Equal(1, scrape.Sum("vigil_signaling_messages_total", ("type", "sdp_offer")));
        Assert.Equal(1, scrape.Sum("vigil_signaling_messages_total", ("type", "sdp_answer")));
        Assert.Equal(2, scrape.Sum("vigil_signaling_relay_duration_seconds_count"));
        Assert.Equal(1, scrape.Sum("vigil_signaling_connection_refusals_total", ("role", "viewer"), ("reason", "ResourceNotFoundException")));
        Assert.Equal(1, scrape.Sum("vigil_signaling_message_refusals_total", ("reason", "no_recipient")));
        Assert.Equal(1, scrape.Sum("vigil_turn_credentials_issued_total"));

        Assert.Equal(1, scrape.Sum("vigil_smtp_sessions_total"));
        Assert.Equal(1, scrape.Sum("vigil_ingest_messages_accepted_total", ("source", "smtp")));
        Assert.Equal(1, scrape.Sum("vigil_ingest_messages_refused_total", ("source", "upload"), ("reason", "no_picture")));
        Assert.Equal(0, scrape.Sum("vigil_spool_entries"));
        Assert.Equal(1, scrape.Sum("vigil_detector_available"));
        Assert.Equal(1, scrape.Sum("vigil_detection_duration_seconds_count"));
        Assert.Equal(1, scrape.Sum("vigil_events_stored_total", ("source", "smtp")));
        Assert.Equal(1, scrape.Sum("vigil_events_processing_latency_seconds_count", ("source", "smtp")));
        Assert.Equal(1, scrape.Sum("vigil_notifications_sent_total", ("action", "email")));

        Assert.True(scrape.Sum("http_server_request_duration_seconds_count", ("http_route", "/v1/get-ice-server-config"), ("http_response_status_code", "200")) >= 1);
        Assert.True(scrape.Sum("dotnet_process_cpu_time_seconds_total") > 0);
        Assert.True(scrape.Sum("dotnet_process_memory_working_set_bytes") > 0);
        Assert.True(scrape.Has("dotnet_gc_collections_total") && scrape.Has("dotnet_gc_heap_total_allocated_bytes_total"));
        Assert.True(scrape.Sum("dotnet_thread_pool_thread_count") >= 1);
    }

    [Fact]
    public void Names_follow_prometheus_conventions_and_no_label_names_a_camera_a_channel_or_a_user()
    {
        var scrape = server.Scrape;

        foreach (var family in scrape.Samples.Where(s => s.Family.StartsWith("vigil_", StringComparison.Ordinal)).Select(s => (s.Family, s.Type)).Distinct())
        {
            // prometheus_client strips _total from a counter's family name; its samples keep it.
            Assert.True(family.Type != "counter" || scrape.Has(family.Family + "_total"), $"counter {family.Family} has no _total samples");
            Assert.DoesNotMatch(LegacyUnits(), family.Family);
        }

        foreach (var secret in server.Identifiers)
        {
            Assert.DoesNotContain(secret, scrape.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Every_series_the_grafana_dashboard_queries_is_exported()
    {
        var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(VigilBinaries.RepositoryRoot(), "deploy", "grafana", "vigil.json"))).RootElement;
        var expressions = Expressions(dashboard).ToList();
        var names = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).Distinct().ToList();

        Assert.NotEmpty(names);
        var missing = names.Where(n => !server.Scrape.Has(n)).ToList();
        Assert.True(missing.Count == 0, $"deploy/grafana/vigil.json queries series that /metrics does not export: {string.Join(", ", missing)}");
        var rows = Panels(dashboard).Where(p => p.GetProperty("type").GetString() == "row").Select(p => p.GetProperty("title").GetString()).ToList();
        Assert.Equal(["HTTP", "Device plane (MQTT, provisioning)", "Signaling and TURN", "Snapshot ingest (SMTP, spool)", "Detection and events", "Notifications", "Process"], rows);
    }

    [Fact]
    public async Task Metrics_are_not_served_on_the_https_port()
    {
        using var client = server.Vigil!.CreateClient();

        using var response = await client.GetAsync(new Uri(server.Vigil.Https, "/metrics"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static IEnumerable<string> Expressions(JsonElement dashboard) =>
        Panels(dashboard).Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!);

    private static JsonElement.ArrayEnumerator Panels(JsonElement dashboard) => dashboard.GetProperty("panels").EnumerateArray();

    // Series names in PromQL: Vigil's, the framework's (http_, kestrel_, dotnet_). Label names and functions do not match.
    [GeneratedRegex(@"\b(?:vigil|http_server|kestrel|dotnet)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"_(milliseconds|ms|kilobytes|megabytes)(_|$)")]
    private static partial Regex LegacyUnits();

    /// <summary>One server, exercised once, scraped once, for every test of the class.</summary>
    public sealed class ExercisedServer : IAsyncLifetime
    {
        internal RunningVigil? Vigil { get; private set; }

        internal PrometheusScrape Scrape { get; private set; } = null!;

        /// <summary>Ids that must never appear in the output: serial, channel, camera, account.</summary>
        public List<string> Identifiers { get; } = [];

        private SmtpSink? _sink;

        public async ValueTask InitializeAsync()
        {
            var ct = TestContext.Current.CancellationToken;
            _sink = await SmtpSink.StartAsync(ct);
            Vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?>
            {
                ["Notifications:SmtpHost"] = "127.0.0.1",
                ["Notifications:SmtpPort"] = _sink.Port.ToString(CultureInfo.InvariantCulture),
                ["Notifications:SmtpSecurity"] = "None",
                ["Signaling:TurnUris:0"] = "turn:127.0.0.1:3479?transport=udp",
                ["Signaling:TurnSharedSecret"] = "metrics-test-turn-secret",
            }), cancellationToken: ct);

            // A provisioning (CSR + RegisterThing), the device connected, and a refused connection.
            await DeviceClients.ImportAsync(Vigil, "CAM-METRICS-1");
            using var claim = await DeviceClients.NewClaimAsync(Vigil, cancellationToken: ct);
            using var device = await DeviceClients.ProvisionAsync(Vigil, claim, "CAM-METRICS-1", cancellationToken: ct);
            using var connected = await DeviceClients.ConnectAsync(Vigil, device, "CAM-METRICS-1", cancellationToken: ct);
            await Assert.ThrowsAnyAsync<Exception>(async () => (await DeviceClients.ConnectAsync(Vigil, device, "SOMEONE-ELSE", cancellationToken: ct)).Dispose());
            Identifiers.Add("CAM-METRICS-1");

            // A signaling exchange (offer and answer), TURN credentials, and two refusals.
            var admin = await TestCredentials.AdminKeyAsync(Vigil);
            using var kvs = KvsTestClient.For(Vigil, admin);
            var arn = await kvs.CreateChannelAsync("metrics-channel", ct);
            Identifiers.Add("metrics-channel");
            await using var master = await SignalingTestSocket.ConnectAsync(Vigil, admin, arn, null, ct);
            await using var viewer = await SignalingTestSocket.ConnectAsync(Vigil, admin, arn, "metrics-viewer", ct);
            Identifiers.Add("metrics-viewer");
            await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Offer}}"}""", ct);
            await master.ReceiveTextAsync(ct);
            await master.SendAsync($$"""{"action":"SDP_ANSWER","recipientClientId":"metrics-viewer","messagePayload":"{{SignalingTestSocket.Answer}}"}""", ct);
            await viewer.ReceiveTextAsync(ct);
            await master.SendAsync($$"""{"action":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(1)}}","correlationId":"1"}""", ct);
            await master.ReceiveTextAsync(ct); // the STATUS_RESPONSE of the refusal
            var missing = await SignalingTestSocket.RefusedAsync(Vigil, SignalingTestSocket.PresignedUrl(Vigil, admin, arn.Replace("metrics-channel", "no-such-channel", StringComparison.Ordinal), "metrics-viewer"), ct);
            Assert.Equal(HttpStatusCode.NotFound, missing.Status);
            var ice = await kvs.PostAsync("/v1/get-ice-server-config", $$"""{"ChannelARN":"{{arn}}","ClientId":"metrics-viewer"}""", ct);
            Assert.Equal(200, ice.Status);

            // An e-mail with a person: an event, a detection, an e-mail notification; and an upload without a picture.
            var camera = await SnapshotTestData.AddCameraAsync(Vigil.App.Services, "metrics-owner@example.com", "Metrics door", ct);
            Identifiers.Add(camera.Camera.Id.ToString());
            Identifiers.Add(camera.Camera.OwnerId.ToString());
            Identifiers.Add("metrics-owner");
            await SnapshotTestData.AddRuleAsync(Vigil.App.Services, new RuleSpecification(camera.Camera.OwnerId, null, [], ["Person"], 0.5, null, null, null, EmailOwner: true), ct);
            var sent = await Swaks.SendPictureAsync(Vigil.Smtp, camera.SmtpUsername, camera.SmtpPassword, SnapshotAssets.Picture("person.jpg"), "Motion", ct);
            Assert.True(sent.ExitCode == 0, sent.StandardOutput + sent.StandardError);
            await SnapshotTestData.WaitForEventsAsync(Vigil.App.Services, 1, ct);
            await Eventually.WaitAsync(() => Task.FromResult(_sink.Messages().Count == 1 ? "sent" : null), TimeSpan.FromSeconds(30), "the notification e-mail", ct);
            using var upload = Vigil.CreateClient();
            upload.DefaultRequestHeaders.Authorization = new("Bearer", camera.UploadToken);
            using var refused = await upload.PostAsync("/api/ingest/snapshot", new ByteArrayContent("not a picture"u8.ToArray()), ct);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);

            using var http = new HttpClient();
            var text = await Eventually.WaitAsync(async () =>
            {
                // The sender marks a delivery sent after the relay took it: wait for the counter too.
                var body = await http.GetStringAsync(new Uri(Vigil.Http, "/metrics"), ct);
                return body.Contains("vigil_notifications_sent_total{action=\"email\"} 1", StringComparison.Ordinal) ? body : null;
            }, TimeSpan.FromSeconds(30), "the notification to be counted", ct);
            Scrape = await PrometheusScrape.ParseAsync(text, ct);
        }

        public async ValueTask DisposeAsync()
        {
            if (Vigil is not null)
            {
                await Vigil.DisposeAsync();
            }

            if (_sink is not null)
            {
                await _sink.DisposeAsync();
            }
        }
    }
}

[CollectionDefinition(MetricsTests.Name, DisableParallelization = true)]
public sealed class MetricsCollection;
