using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Tests.Features.Identity;
using Vigil.Server.Tests.Features.SnapshotApi;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Cameras;

/// <summary>
/// <c>POST /api/cameras/bind</c> and the camera API around it, against the real server over HTTPS,
/// with access tokens from the real sign-in (TOTP by oathtool), on SQLite and PostgreSQL.
/// </summary>
public sealed class BindingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_camera_is_bound_before_it_provisions_then_shows_its_channel_and_goes_online(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-1");
        using var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);

        using var bound = await ann.BindAsync("CAM-1", "secret-CAM-1", Ct);
        Assert.Equal(HttpStatusCode.Created, bound.StatusCode);
        var camera = await bound.JsonAsync(Ct);
        var id = camera.GetProperty("id").GetString()!;
        Assert.Equal($"/api/cameras/{id}", bound.Headers.Location?.ToString());
        Assert.Equal("live", camera.GetProperty("kind").GetString());
        Assert.Equal("CAM-1", camera.GetProperty("serialNumber").GetString());
        Assert.Equal("CAM-1", camera.GetProperty("name").GetString());
        Assert.False(camera.GetProperty("provisioned").GetBoolean());
        Assert.False(camera.GetProperty("online").GetBoolean());
        Assert.Equal(JsonValueKind.Null, camera.GetProperty("channelArn").ValueKind);

        // Binding again is harmless: the same camera, 200.
        using (var again = await ann.BindAsync("CAM-1", "secret-CAM-1", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(id, (await again.JsonAsync(Ct)).GetProperty("id").GetString());
        }

        var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-1", cancellationToken: Ct);
        var provisioned = await ann.GetJsonAsync($"/api/cameras/{id}", Ct);
        Assert.True(provisioned.GetProperty("provisioned").GetBoolean());
        Assert.Equal("CAM-1", provisioned.GetProperty("channelName").GetString());
        Assert.StartsWith("arn:aws:kinesisvideo:", provisioned.GetProperty("channelArn").GetString(), StringComparison.Ordinal);
        Assert.False(provisioned.GetProperty("online").GetBoolean());

        using var mqtt = await DeviceClients.ConnectAsync(vigil, device, "CAM-1", cancellationToken: Ct);
        await Eventually.WaitAsync(async () => (await ann.GetJsonAsync("/api/cameras", Ct))[0].GetProperty("online").GetBoolean(), TimeSpan.FromSeconds(10), "the camera shown online", Ct);
        Assert.NotEqual(JsonValueKind.Null, (await ann.GetJsonAsync($"/api/cameras/{id}", Ct)).GetProperty("lastSeen").ValueKind);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task An_unknown_serial_and_a_wrong_secret_get_the_same_status_body_and_time(string provider)
    {
        // The limits would end this test early; they have tests of their own.
        await using var vigil = await IdentityTestServer.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Cameras:BindFailuresPerSerial"] = "1000",
            ["Cameras:BindFailuresPerAccount"] = "10000",
        }, Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-1");
        using var eve = await CameraApiClient.SignUpAsync(vigil, "eve@example.com", Ct);

        var unknown = new List<double>();
        var wrong = new List<double>();
        string? unknownBody = null, wrongBody = null;
        for (var i = 0; i < 40; i++)
        {
            // Alternating, so load on the machine falls on both alike; the first pair warms up.
            foreach (var (serial, times, isUnknown) in new[] { ("CAM-404", unknown, true), ("CAM-1", wrong, false) })
            {
                var clock = Stopwatch.StartNew();
                using var response = await eve.BindAsync(serial, "not-the-secret", Ct);
                var body = await response.Content.ReadAsStringAsync(Ct);
                clock.Stop();
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var normalized = WithoutTraceId(body);
                if (isUnknown)
                {
                    unknownBody = normalized;
                }
                else
                {
                    wrongBody = normalized;
                }

                if (i > 0)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        }

        Assert.Equal(unknownBody, wrongBody);
        Assert.Contains(CameraProblemTypes.WrongSerialOrSecret, unknownBody, StringComparison.Ordinal);
        var (a, b) = (Median(unknown), Median(wrong));
        // Within noise: a missing look-up or HMAC would not show at this scale, but any extra
        // database round trip on one path (a few milliseconds here) would.
        Assert.True(Math.Abs(a - b) <= Math.Max(1.5, 0.25 * Math.Min(a, b)), $"median {a:F2} ms for an unknown serial, {b:F2} ms for a wrong secret");
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_camera_bound_to_another_account_is_refused_with_409_only_after_the_right_secret(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-1");
        using var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);
        using var bob = await CameraApiClient.SignUpAsync(vigil, "bob@example.com", Ct);
        await ann.BindOrFailAsync("CAM-1", "secret-CAM-1", Ct);

        using var guess = await bob.BindAsync("CAM-1", "secret-wrong", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, guess.StatusCode);
        Assert.Equal(CameraProblemTypes.WrongSerialOrSecret, (await guess.JsonAsync(Ct)).GetProperty("type").GetString());

        using var taken = await bob.BindAsync("CAM-1", "secret-CAM-1", Ct);
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal(CameraProblemTypes.AlreadyBound, (await taken.JsonAsync(Ct)).GetProperty("type").GetString());
        Assert.Empty((await bob.GetJsonAsync("/api/cameras", Ct)).EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Failed_attempts_hit_the_limit_with_retry_after_and_the_limit_expires(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Cameras:BindFailuresPerSerial"] = "3",
            ["Cameras:BindFailureWindowPerSerial"] = "00:00:03",
        }, Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-1");
        using var mallory = await CameraApiClient.SignUpAsync(vigil, "mallory@example.com", Ct);
        using var owner = await CameraApiClient.SignUpAsync(vigil, "owner@example.com", Ct);

        for (var i = 0; i < 3; i++)
        {
            using var miss = await mallory.BindAsync("CAM-1", $"guess-{i:D4}", Ct);
            Assert.Equal(HttpStatusCode.Forbidden, miss.StatusCode);
        }

        // The serial is locked for everyone, right secret or not, and nothing else is said.
        using var locked = await owner.BindAsync("CAM-1", "secret-CAM-1", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        var problem = await locked.JsonAsync(Ct);
        Assert.Equal(CameraProblemTypes.TooManyAttempts, problem.GetProperty("type").GetString());
        var retryAfter = int.Parse(locked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 3);
        Assert.Equal(retryAfter, problem.GetProperty("retryAfter").GetInt32());

        // The limit ends by itself: the real owner gets the camera once the window has passed.
        var clock = Stopwatch.StartNew();
        var bound = await Eventually.WaitAsync(
            async () =>
            {
                using var attempt = await owner.BindAsync("CAM-1", "secret-CAM-1", Ct);
                return attempt.StatusCode == HttpStatusCode.Created ? (object)attempt.StatusCode : null;
            },
            TimeSpan.FromSeconds(10), "the bind after the limit expired", Ct);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(retryAfter + 3), $"bound after {clock.Elapsed}, Retry-After said {retryAfter} s");
    }

    [Fact]
    public async Task The_per_account_limit_counts_failures_on_any_serial()
    {
        await using var vigil = await IdentityTestServer.StartAsync("Sqlite", new Dictionary<string, string?> { ["Cameras:BindFailuresPerAccount"] = "4" }, Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-1", "CAM-2");
        using var mallory = await CameraApiClient.SignUpAsync(vigil, "mallory@example.com", Ct);

        for (var i = 0; i < 4; i++)
        {
            using var miss = await mallory.BindAsync($"CAM-X{i}", "not-the-secret", Ct);
            Assert.Equal(HttpStatusCode.Forbidden, miss.StatusCode);
        }

        using var limited = await mallory.BindAsync("CAM-2", "secret-CAM-2", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(55), $"Retry-After {limited.Headers.RetryAfter}");
    }

    [Fact]
    public async Task Bad_bind_bodies_get_a_problem_naming_the_field_and_the_schema_is_in_the_openapi_document()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);

        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { serialNumber = "CAM-1" }, "secret"),
            (new { secret = "secret-CAM-1" }, "serialNumber"),
            (new { serialNumber = 5, secret = "secret-CAM-1" }, "serialNumber"),
            (new { serialNumber = "CAM 1", secret = "secret-CAM-1" }, "serialNumber"),
            (new { serialNumber = new string('A', 129), secret = "secret-CAM-1" }, "serialNumber"),
            (new { serialNumber = "CAM-1", secret = "short" }, "secret"),
            (new { serialNumber = "CAM-1", secret = new string('s', 257) }, "secret"),
            (new { serialNumber = "CAM-1", secret = "secret-CAM-1", owner = "someone" }, "owner"),
            (new { serialNumber = "CAM-1", secret = "secret-CAM-1", name = "" }, "name"),
        })
        {
            using var response = await ann.SendAsync(HttpMethod.Post, "/api/cameras/bind", body, Ct);
            var problem = await response.JsonAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)}: {(int)response.StatusCode} {problem}");
            Assert.Equal("https://vigil.invalid/problems/invalid-parameter", problem.GetProperty("type").GetString());
            Assert.Equal(field, problem.GetProperty("parameter").GetString());
            Assert.StartsWith(field + ": ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        foreach (var raw in new[] { "", "{", "[]", "\"CAM-1\"", "{\"serialNumber\":", new string('[', 100) })
        {
            using var response = await ann.SendAsync(HttpMethod.Post, "/api/cameras/bind", new StringContent(raw, System.Text.Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("https://vigil.invalid/problems/invalid-request", (await response.JsonAsync(Ct)).GetProperty("type").GetString());
        }

        using var huge = await ann.SendAsync(HttpMethod.Post, "/api/cameras/bind", new StringContent($"{{\"serialNumber\":\"{new string('A', 20_000)}\"}}", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);

        var document = JsonNode.Parse(await vigil.CreateClient().GetStringAsync("/openapi/v1.json", Ct))!;
        var schema = document["paths"]!["/api/cameras/bind"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("^[A-Za-z0-9_.:-]{1,128}$", schema["properties"]!["serialNumber"]!["pattern"]!.GetValue<string>());
        Assert.Equal(["serialNumber", "secret"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Another_users_camera_is_404_on_every_route(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-1");
        using var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);
        using var bob = await CameraApiClient.SignUpAsync(vigil, "bob@example.com", Ct);
        var live = (await ann.BindOrFailAsync("CAM-1", "secret-CAM-1", Ct)).GetProperty("id").GetString();
        using var created = await ann.SendAsync(HttpMethod.Post, "/api/cameras/snapshot", new { name = "Garden" }, Ct);
        var snapshot = (await created.JsonAsync(Ct)).GetProperty("id").GetString();

        foreach (var id in new[] { live, snapshot, Guid.NewGuid().ToString() })
        {
            foreach (var (method, path, body) in CameraRoutes(id!))
            {
                using var response = await bob.SendAsync(method, path, body, Ct);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} as another user: {(int)response.StatusCode}");
            }
        }

        Assert.Equal(2, (await ann.GetJsonAsync("/api/cameras", Ct)).GetArrayLength());
        Assert.Equal("Garden", (await ann.GetJsonAsync($"/api/cameras/{snapshot}", Ct)).GetProperty("name").GetString());
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_camera_is_renamed_and_unbound_and_then_another_user_may_bind_it(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-1");
        using var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);
        using var bob = await CameraApiClient.SignUpAsync(vigil, "bob@example.com", Ct);
        var id = (await ann.BindOrFailAsync("CAM-1", "secret-CAM-1", Ct)).GetProperty("id").GetString();
        using (var garden = await ann.SendAsync(HttpMethod.Post, "/api/cameras/snapshot", new { name = "Garden" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, garden.StatusCode);
        }

        using (var renamed = await ann.SendAsync(HttpMethod.Patch, $"/api/cameras/{id}", new { name = "  Front door " }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
            Assert.Equal("Front door", (await renamed.JsonAsync(Ct)).GetProperty("name").GetString());
        }

        using (var duplicate = await ann.SendAsync(HttpMethod.Patch, $"/api/cameras/{id}", new { name = "Garden" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        }

        using (var control = await ann.SendAsync(HttpMethod.Patch, $"/api/cameras/{id}", new { name = "Front\u0007door" }, Ct))
        {
            Assert.Equal("name", (await control.JsonAsync(Ct)).GetProperty("parameter").GetString());
        }

        using (var deleted = await ann.SendAsync(HttpMethod.Delete, $"/api/cameras/{id}", null, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal(["Garden"], (await ann.GetJsonAsync("/api/cameras", Ct)).EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        using var rebound = await bob.BindAsync("CAM-1", "secret-CAM-1", Ct);
        Assert.Equal(HttpStatusCode.Created, rebound.StatusCode);
        Assert.NotEqual(id, (await rebound.JsonAsync(Ct)).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_revoked_serial_is_refused_only_after_the_right_secret()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-1");
        await vigil.InScopeAsync(s => s.GetRequiredService<Server.Features.Devices.ManufacturingRegistry>().RevokeAsync("CAM-1", Ct));
        using var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);

        using var wrong = await ann.BindAsync("CAM-1", "secret-wrong", Ct);
        Assert.Equal(CameraProblemTypes.WrongSerialOrSecret, (await wrong.JsonAsync(Ct)).GetProperty("type").GetString());
        using var right = await ann.BindAsync("CAM-1", "secret-CAM-1", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, right.StatusCode);
        Assert.Equal(CameraProblemTypes.Revoked, (await right.JsonAsync(Ct)).GetProperty("type").GetString());
    }

    /// <summary>Every route of the camera API that names a camera.</summary>
    internal static IEnumerable<(HttpMethod Method, string Path, object? Body)> CameraRoutes(string id) =>
    [
        (HttpMethod.Get, $"/api/cameras/{id}", null),
        (HttpMethod.Patch, $"/api/cameras/{id}", new { name = "Stolen" }),
        (HttpMethod.Post, $"/api/cameras/{id}/snapshot-ingest", null),
        (HttpMethod.Post, $"/api/cameras/{id}/rotate-credentials", null),
        (HttpMethod.Delete, $"/api/cameras/{id}", null),
    ];

    private static string WithoutTraceId(string body)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
