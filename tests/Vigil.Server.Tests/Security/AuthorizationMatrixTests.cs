using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using MQTTnet;
using MQTTnet.Protocol;
using Vigil.Server.Tests.Features.Integrations;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Security;

/// <summary>
/// The authorization matrix (docs/security.md): every HTTP route of the running server, every KVS
/// operation and signaling role, the credentials provider and every MQTT topic family, tried by
/// every kind of principal that must be refused, with the exact refusal asserted, and by one that
/// must be let in (so the matrix cannot pass by refusing everything). A route without a row fails.
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixWorld world, ITestOutputHelper output) : IClassFixture<MatrixWorld>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Every_route_the_server_maps_has_a_row_in_the_matrix_and_every_row_names_a_route()
    {
        var mapped = MappedRoutes(world.Vigil);
        var rows = HttpRouteMatrix.Rows.ToDictionary(r => r.Route, StringComparer.Ordinal);

        var missing = RoutesWithoutRows(mapped);
        var stale = rows.Values.Where(r => r.OnlyWhen is null && !mapped.Contains(r.Route)).Select(r => r.Route).ToList();

        Assert.True(missing.Count == 0,
            $"Routes without a row in the authorization matrix: {string.Join("; ", missing)}. Add a row for each to "
            + "tests/Vigil.Server.Tests/Security/HttpRouteMatrix.cs: who must be refused (with the exact status) and who is let in.");
        Assert.True(stale.Count == 0, $"Rows for routes the server no longer maps: {string.Join("; ", stale)}. Remove them, or say when they exist (OnlyWhen).");
    }

    [Fact]
    public async Task A_route_added_without_a_row_is_named_by_the_coverage_check()
    {
        await using var vigil = await RunningVigil.StartAsync(endpoints: app => app.MapGet("/api/added-later/{id:guid}", (Guid id) => id).RequireAuthorization(Vigil.Server.Features.Identity.IdentityPolicies.User), cancellationToken: Ct);

        Assert.Equal(["GET /api/added-later/{id:guid}"], RoutesWithoutRows(MappedRoutes(vigil)));
    }

    [Fact]
    public async Task Every_http_route_refuses_each_principal_that_must_be_refused_and_admits_the_one_that_may()
    {
        var mapped = MappedRoutes(world.Vigil);
        var failures = new List<string>();
        var cells = 0;
        var rows = 0;
        foreach (var row in HttpRouteMatrix.Rows.Where(r => mapped.Contains(r.Route)))
        {
            rows++;
            foreach (var cell in row.Cells)
            {
                cells++;
                var answer = await cell.Send(world);
                var problem = answer.Status != cell.Status || (cell.Kind is not null && answer.Kind != cell.Kind)
                    ? $"expected {cell.Status}{(cell.Kind is null ? "" : " " + cell.Kind)}, got {answer}: {Shorten(answer.Body)}"
                    : cell.Check?.Invoke(world, answer);
                if (problem is not null)
                {
                    failures.Add($"{row.Route} as {cell.Who}: {problem}");
                }
            }
        }

        output.WriteLine($"HTTP matrix: {rows} routes, {cells} (route, principal) cells, {cells} requests, {cells + HttpRouteMatrix.Rows.Sum(r => r.Cells.Count(c => c.Check is not null))} assertions; {failures.Count} failed.");
        Assert.True(failures.Count == 0, "Authorization matrix failures:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Mqtt_topic_families_refuse_other_things_claim_certificates_and_revoked_things()
    {
        var failures = new List<string>();
        var checks = 0;
        void Expect<T>(string what, T expected, T actual)
        {
            checks++;
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                failures.Add($"{what}: expected {expected}, got {actual}");
            }
        }

        using var cam1 = await DeviceClients.ConnectAsync(world.Vigil, world.Cam1, "CAM-1", cancellationToken: Ct);
        using var claim = await DeviceClients.ConnectAsync(world.Vigil, world.Claim, "claim-matrix", cancellationToken: Ct);
        var families = new[] { "things/CAM-2/state", "$aws/things/CAM-2/shadow/update", "$aws/events/presence/connected/CAM-2", $"vigil/{world.BobsLive.Id}/events", "$aws/certificates/create/json/accepted" };
        foreach (var topic in families)
        {
            Expect($"device CAM-1 publishes {topic}", MqttClientPublishReasonCode.NotAuthorized, (await cam1.PublishAsync(Message(topic), Ct)).ReasonCode);
            Expect($"device CAM-1 subscribes {topic}", MqttClientSubscribeResultCode.NotAuthorized, await SubscribeAsync(cam1, topic));
            Expect($"claim certificate publishes {topic}", MqttClientPublishReasonCode.NotAuthorized, (await claim.PublishAsync(Message(topic), Ct)).ReasonCode);
            if (!topic.StartsWith("$aws/certificates/", StringComparison.Ordinal))
            {
                Expect($"claim certificate subscribes {topic}", MqttClientSubscribeResultCode.NotAuthorized, await SubscribeAsync(claim, topic));
            }
        }

        foreach (var filter in new[] { "#", "+/+/state", "things/#", "$aws/things/+/shadow/#", "vigil/#" })
        {
            Expect($"device CAM-1 subscribes {filter}", MqttClientSubscribeResultCode.NotAuthorized, await SubscribeAsync(cam1, filter));
            Expect($"claim certificate subscribes {filter}", MqttClientSubscribeResultCode.NotAuthorized, await SubscribeAsync(claim, filter));
        }

        Expect("claim certificate publishes another template's provision topic", MqttClientPublishReasonCode.NotAuthorized, (await claim.PublishAsync(Message("$aws/provisioning-templates/OtherTemplate/provision/json"), Ct)).ReasonCode);
        Expect("device CAM-1 connects as CAM-2", MqttClientConnectResultCode.NotAuthorized, await RefusedConnectAsync(world.Cam1, "CAM-2"));
        Expect("claim certificate connects as CAM-2", MqttClientConnectResultCode.NotAuthorized, await RefusedConnectAsync(world.Claim, "CAM-2"));
        Expect("revoked thing CAM-R connects", MqttClientConnectResultCode.NotAuthorized, await RefusedConnectAsync(world.Revoked, "CAM-R"));

        // Positive controls: each may do what it is for.
        Expect("device CAM-1 subscribes to its own topics", MqttClientSubscribeResultCode.GrantedQoS1, await SubscribeAsync(cam1, "things/CAM-1/#"));
        Expect("device CAM-1 publishes its own state", MqttClientPublishReasonCode.Success, (await cam1.PublishAsync(Message("things/CAM-1/state"), Ct)).ReasonCode);
        Expect("claim certificate subscribes to its answers", MqttClientSubscribeResultCode.GrantedQoS1, await SubscribeAsync(claim, "$aws/certificates/create-from-csr/json/accepted"));

        output.WriteLine($"MQTT matrix: {families.Length} topic families + 5 wildcard filters + 3 connections + 3 positive controls, principals device/claim/revoked; {checks} assertions; {failures.Count} failed.");
        Assert.True(failures.Count == 0, "MQTT authorization failures:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task An_integration_reads_only_its_owners_camera_topics()
    {
        // Issue 19 item 10: an integration is created for an owner and reads only that owner's
        // cameras' topics and discovery entries (wildcard deliveries: IntegrationScopeTests).
        var ann = await SnapshotTestData.AccountAsync(world.Vigil.App.Services, "ann@example.com", Ct);
        using var certificate = await IntegrationClients.CreateAsync(world.Vigil, "anns-home", ann, Ct);
        using var client = await DeviceClients.ConnectAsync(world.Vigil, certificate, "anns-home", cancellationToken: Ct);
        var bobs = new[] { $"vigil/{world.BobsLive.Id}/events", $"vigil/{world.BobsLive.Id}/person", $"homeassistant/binary_sensor/vigil_{Guid.Parse(world.BobsLive.Id):N}_person/config" };

        var granted = new List<string>();
        foreach (var topic in bobs)
        {
            if (await SubscribeAsync(client, topic) != MqttClientSubscribeResultCode.NotAuthorized)
            {
                granted.Add(topic);
            }
        }

        var own = await SubscribeAsync(client, $"vigil/{world.AnnsLive.Id}/events");
        output.WriteLine($"Integration matrix: {bobs.Length} of another owner's topics + 1 positive control; {granted.Count} wrongly granted.");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, own);
        Assert.True(granted.Count == 0,
            "Ann's integration 'anns-home' may subscribe to another owner's camera topics: " + string.Join(", ", granted));
    }

    private async Task<MqttClientConnectResultCode> RefusedConnectAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string clientId)
    {
        try
        {
            using var client = await DeviceClients.ConnectAsync(world.Vigil, certificate, clientId, cancellationToken: Ct);
            return MqttClientConnectResultCode.Success;
        }
        catch (MqttConnectRefusedException e)
        {
            return e.Code;
        }
    }

    private static async Task<MqttClientSubscribeResultCode> SubscribeAsync(IMqttClient client, string filter) =>
        (await client.SubscribeAsync(IntegrationClients.Subscription(filter), Ct)).Items.Single().ResultCode;

    private static MqttApplicationMessage Message(string topic) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static List<string> RoutesWithoutRows(HashSet<string> mapped) =>
        [.. mapped.Where(route => !HttpRouteMatrix.Rows.Any(r => r.Route == route)).Order(StringComparer.Ordinal)];

    /// <summary>Every route as the endpoint data source has it: <c>METHODS /pattern</c> (<c>*</c> when any method).</summary>
    private static HashSet<string> MappedRoutes(RunningVigil vigil) =>
        vigil.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e =>
            {
                var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
                var pattern = e.RoutePattern.RawText ?? "";
                return $"{(methods is { Count: > 0 } ? string.Join(",", methods) : "*")} {(pattern.StartsWith('/') ? pattern : "/" + pattern)}";
            })
            .ToHashSet(StringComparer.Ordinal);

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
