using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Vigil.Server.Features.Events;
using Vigil.Server.Features.Identity;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Features.Identity;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.SnapshotApi;

/// <summary>
/// <c>/api/cameras</c>, <c>/api/events</c> and <c>/api/rules</c> against the real server over HTTPS,
/// with access tokens from the real sign-in and OIDC code flow (TOTP by oathtool).
/// </summary>
public sealed class SnapshotApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_user_creates_a_camera_uploads_a_picture_and_finds_the_dog_event_and_its_exact_picture(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, SnapshotAssets.ServerSettings(), Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("ann@example.com", Ct);
        var client = user.Browser.Client;
        var token = user.Tokens.AccessToken;

        using var created = await client.SendAsync(HttpMethod.Post, "/api/cameras/snapshot", token, new { name = "Garden" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var camera = await created.JsonAsync(Ct);
        var uploadToken = camera.GetProperty("uploadToken").GetString()!;
        Assert.Equal(26, camera.GetProperty("smtpPassword").GetString()!.Length);
        Assert.Contains("@", camera.GetProperty("ingestAddress").GetString(), StringComparison.Ordinal);

        var dog = await File.ReadAllBytesAsync(SnapshotAssets.Picture("dog.jpg"), Ct);
        using (var upload = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/snapshot") { Content = new ByteArrayContent(dog) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } } })
        {
            upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", uploadToken);
            using var accepted = await client.SendAsync(upload, Ct);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var body = await Eventually.WaitAsync(
            async () =>
            {
                using var response = await client.SendAsync(HttpMethod.Get, "/api/events", token, cancellationToken: Ct);
                var text = await response.Content.ReadAsStringAsync(Ct);
                return JsonDocument.Parse(text).RootElement.GetProperty("events").GetArrayLength() > 0 ? text : null;
            },
            TimeSpan.FromSeconds(60),
            "the uploaded picture's event in GET /api/events",
            Ct);
        var page = JsonDocument.Parse(body).RootElement;
        var recorded = Assert.Single(page.GetProperty("events").EnumerateArray());
        Assert.Equal(camera.GetProperty("id").GetString(), recorded.GetProperty("camera").GetProperty("id").GetString());
        Assert.Equal("Garden", recorded.GetProperty("camera").GetProperty("name").GetString());
        Assert.Equal("Upload", recorded.GetProperty("source").GetString());
        Assert.Contains(recorded.GetProperty("detections").EnumerateArray(), d => d.GetProperty("label").GetString() == "Dog" && d.GetProperty("confidence").GetSingle() >= 0.5 && d.GetProperty("box").GetProperty("width").GetSingle() > 0);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);

        var picture = recorded.GetProperty("pictures")[0];
        using var original = await client.SendAsync(HttpMethod.Get, picture.GetProperty("url").GetString()!, token, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(dog, await original.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("image/jpeg", original.Content.Headers.ContentType?.MediaType);
        Assert.True(original.Headers.CacheControl?.Private);
        Assert.NotNull(original.Headers.ETag);
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, picture.GetProperty("url").GetString()))
        {
            conditional.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            conditional.Headers.IfNoneMatch.Add(original.Headers.ETag!);
            using var notModified = await client.SendAsync(conditional, Ct);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        using var thumbnail = await client.SendAsync(HttpMethod.Get, picture.GetProperty("thumbnailUrl").GetString()!, token, cancellationToken: Ct);
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
        Assert.True((await thumbnail.Content.ReadAsByteArrayAsync(Ct)).Length < dog.Length);

        using var cameras = await client.SendAsync(HttpMethod.Get, "/api/cameras", token, cancellationToken: Ct);
        var listing = await cameras.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Garden", listing, StringComparison.Ordinal);
        Assert.DoesNotContain(uploadToken, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(camera.GetProperty("smtpPassword").GetString()!, listing, StringComparison.Ordinal);

        var eventUrl = $"/api/events/{recorded.GetProperty("id").GetInt64()}";
        using var deleted = await client.SendAsync(HttpMethod.Delete, eventUrl, token, cancellationToken: Ct);
        using var gone = await client.SendAsync(HttpMethod.Get, eventUrl, token, cancellationToken: Ct);
        using var pictureGone = await client.SendAsync(HttpMethod.Get, picture.GetProperty("url").GetString()!, token, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, pictureGone.StatusCode);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Paging_with_the_cursor_is_stable_while_events_arrive_and_filters_apply(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("pia@example.com", Ct);
        var owner = Guid.Parse(new JsonWebToken(user.Tokens.AccessToken).Subject);
        var porch = Guid.CreateVersion7();
        var yard = Guid.CreateVersion7();
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        await AddEventsAsync(vigil, Enumerable.Range(0, 5).Select(i => Event(owner, i % 2 == 0 ? porch : yard, start.AddHours(i), i == 3 ? "Person" : "Car")));
        await AddEventsAsync(vigil, [Event(Guid.CreateVersion7(), porch, start.AddHours(9), "Person")]); // someone else's
        var client = user.Browser.Client;
        var token = user.Tokens.AccessToken;

        var first = await (await client.SendAsync(HttpMethod.Get, "/api/events?limit=2", token, cancellationToken: Ct)).JsonAsync(Ct);
        await AddEventsAsync(vigil, [Event(owner, porch, start.AddHours(20), "Car")]); // arrives between pages
        var cursor = first.GetProperty("nextCursor").GetString()!;
        var second = await (await client.SendAsync(HttpMethod.Get, $"/api/events?limit=2&cursor={Uri.EscapeDataString(cursor)}", token, cancellationToken: Ct)).JsonAsync(Ct);
        var third = await (await client.SendAsync(HttpMethod.Get, $"/api/events?limit=2&cursor={Uri.EscapeDataString(second.GetProperty("nextCursor").GetString()!)}", token, cancellationToken: Ct)).JsonAsync(Ct);
        var people = await (await client.SendAsync(HttpMethod.Get, "/api/events?label=person", token, cancellationToken: Ct)).JsonAsync(Ct);
        var yardOnly = await (await client.SendAsync(HttpMethod.Get, $"/api/events?camera={yard}", token, cancellationToken: Ct)).JsonAsync(Ct);
        var window = await (await client.SendAsync(HttpMethod.Get, "/api/events?from=2026-11-01T01:00:00Z&to=2026-11-01T03:00:00%2B00:00", token, cancellationToken: Ct)).JsonAsync(Ct);

        static int[] Hours(JsonElement page, DateTimeOffset start) =>
            [.. page.GetProperty("events").EnumerateArray().Select(e => (int)(e.GetProperty("occurredAt").GetDateTimeOffset() - start).TotalHours)];
        Assert.Equal([4, 3], Hours(first, start));
        Assert.Equal([2, 1], Hours(second, start));
        Assert.Equal([0], Hours(third, start));
        Assert.Equal(JsonValueKind.Null, third.GetProperty("nextCursor").ValueKind);
        Assert.Equal([3], Hours(people, start));
        Assert.Equal([3, 1], Hours(yardOnly, start));
        Assert.Equal([2, 1], Hours(window, start));
    }

    [Fact]
    public async Task The_api_refuses_bad_tokens_other_users_ids_disabled_accounts_and_bad_filters()
    {
        await using var vigil = await IdentityTestServer.StartAsync("Sqlite", cancellationToken: Ct);
        using var alice = await vigil.SignUpAndGetTokensAsync("alice@example.com", Ct);
        using var bob = await vigil.SignUpAndGetTokensAsync("bob@example.com", Ct);
        var aliceId = Guid.Parse(new JsonWebToken(alice.Tokens.AccessToken).Subject);
        var client = alice.Browser.Client;
        var a = alice.Tokens.AccessToken;
        var b = bob.Tokens.AccessToken;
        var camera = await (await client.SendAsync(HttpMethod.Post, "/api/cameras/snapshot", a, new { name = "Door" }, Ct)).JsonAsync(Ct);
        var cameraId = Guid.Parse(camera.GetProperty("id").GetString()!);
        var store = vigil.App.Services.GetRequiredService<PictureStore>();
        var path = await store.WriteAsync(store.DirectoryFor(Guid.CreateVersion7(), DateTimeOffset.UnixEpoch), "0.jpg", SnapshotPictures.Jpeg(32, 24), durable: true, Ct);
        var annotated = await store.WriteAsync(store.DirectoryFor(Guid.CreateVersion7(), DateTimeOffset.UnixEpoch), "0.annotated.jpg", SnapshotPictures.Jpeg(32, 24), durable: false, Ct);
        var aliceEvent = Event(aliceId, cameraId, DateTimeOffset.UnixEpoch, "Dog");
        aliceEvent.Pictures.Add(new EventPicture { Index = 0, ContentType = "image/jpeg", Path = path, Width = 32, Height = 24, AnnotatedPath = annotated });
        // Motion without a detection: no annotated copy.
        var motionEvent = Event(aliceId, cameraId, DateTimeOffset.UnixEpoch.AddMinutes(1), label: null);
        motionEvent.Pictures.Add(new EventPicture { Index = 0, ContentType = "image/jpeg", Path = path, Width = 32, Height = 24 });
        await AddEventsAsync(vigil, [aliceEvent, motionEvent]);
        var rule = await (await client.SendAsync(HttpMethod.Post, "/api/rules", a, new { labels = new[] { "Dog" }, emailOwner = true }, Ct)).JsonAsync(Ct);
        var ruleUrl = $"/api/rules/{rule.GetProperty("id").GetString()}";

        // No token, a garbage one, a tampered one (signature bytes changed), an expired one signed with Vigil's own key.
        using var realKey = RSA.Create();
        realKey.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(vigil.DataPath, "keys", IdentityKeyMaterial.SigningKeyFile), Ct));
        var expired = TokenRefusalTests.Resign(a!, realKey, new JsonWebToken(a).Kid, shiftSeconds: -2 * 3600);
        var tampered = a![..^4] + (a[^4] == 'A' ? "BBBB" : "AAAA");
        foreach (var bad in new string?[] { null, "not.a.token", tampered, expired })
        {
            using var refused = await client.SendAsync(HttpMethod.Get, "/api/events", bad, cancellationToken: Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Bob sees none of Alice's things; each answers 404 as if it did not exist.
        foreach (var (method, url, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Get, $"/api/events/{aliceEvent.Id}", null),
            (HttpMethod.Get, $"/api/events/{aliceEvent.Id}/pictures/0", null),
            (HttpMethod.Get, $"/api/events/{aliceEvent.Key}/picture", null),
            (HttpMethod.Delete, $"/api/events/{aliceEvent.Id}", null),
            (HttpMethod.Post, $"/api/cameras/{cameraId}/rotate-credentials", null),
            (HttpMethod.Delete, $"/api/cameras/{cameraId}", null),
            (HttpMethod.Get, ruleUrl, null),
            (HttpMethod.Put, ruleUrl, new { labels = new[] { "Cat" }, emailOwner = true }),
            (HttpMethod.Delete, ruleUrl, null),
        })
        {
            using var response = await client.SendAsync(method, url, b, body, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {url} by another user: {(int)response.StatusCode}");
        }

        Assert.Empty((await (await client.SendAsync(HttpMethod.Get, "/api/events", b, cancellationToken: Ct)).JsonAsync(Ct)).GetProperty("events").EnumerateArray());
        Assert.Empty((await (await client.SendAsync(HttpMethod.Get, "/api/cameras", b, cancellationToken: Ct)).JsonAsync(Ct)).EnumerateArray());
        Assert.Empty((await (await client.SendAsync(HttpMethod.Get, "/api/rules", b, cancellationToken: Ct)).JsonAsync(Ct)).EnumerateArray());
        using var stealCamera = await client.SendAsync(HttpMethod.Post, "/api/rules", b, new { cameras = new[] { cameraId }, emailOwner = true }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, stealCamera.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Get, $"/api/events/{aliceEvent.Id}/pictures/0", a, cancellationToken: Ct)).StatusCode);
        // The key that MQTT messages carry leads its owner to the annotated picture.
        using var byKey = await client.SendAsync(HttpMethod.Get, $"/api/events/{aliceEvent.Key}/picture", a, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.Redirect, byKey.StatusCode);
        Assert.Equal($"/api/events/{aliceEvent.Id}/pictures/0?size=annotated", byKey.Headers.Location?.OriginalString);
        using var annotatedPicture = await client.SendAsync(HttpMethod.Get, byKey.Headers.Location!.OriginalString, a, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, annotatedPicture.StatusCode);
        // ... and, for an event without detections, to the picture itself.
        using var motionByKey = await client.SendAsync(HttpMethod.Get, $"/api/events/{motionEvent.Key}/picture", a, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.Redirect, motionByKey.StatusCode);
        Assert.Equal($"/api/events/{motionEvent.Id}/pictures/0", motionByKey.Headers.Location?.OriginalString);
        using var motionPicture = await client.SendAsync(HttpMethod.Get, motionByKey.Headers.Location!.OriginalString, a, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, motionPicture.StatusCode);

        // Filters are checked and the bad parameter is named.
        foreach (var (query, parameter) in new[]
        {
            ("camera=front-door", "camera"), ("label=Unicorn", "label"), ("from=yesterday", "from"), ("to=2026-13-01", "to"),
            ("from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "from"), ("limit=501", "limit"), ("limit=0", "limit"), ("limit=ten", "limit"),
            ("cursor=not-a-cursor", "cursor"), ("cursor=" + new string('A', 5000), "cursor"), ("cursor=ZTE6LTE", "cursor"),
        })
        {
            using var response = await client.SendAsync(HttpMethod.Get, "/api/events?" + query, a, cancellationToken: Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.JsonAsync(Ct);
            Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
            Assert.StartsWith(parameter + ":", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var badSize = await client.SendAsync(HttpMethod.Get, $"/api/events/{aliceEvent.Id}/pictures/0?size=huge", a, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badSize.StatusCode);

        // A disabled account's still-valid token no longer works.
        await vigil.InScopeAsync(services => services.GetRequiredService<UserAccounts>().DisableAsync("alice@example.com", Ct));
        using var disabled = await client.SendAsync(HttpMethod.Get, "/api/events", a, cancellationToken: Ct);
        Assert.True(disabled.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"disabled account: {(int)disabled.StatusCode}");
    }

    [Fact]
    public async Task Rules_are_created_read_replaced_and_deleted_with_the_clis_validation_messages()
    {
        await using var vigil = await IdentityTestServer.StartAsync("Sqlite", cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("rita@example.com", Ct);
        var client = user.Browser.Client;
        var token = user.Tokens.AccessToken;

        using var unicorn = await client.SendAsync(HttpMethod.Post, "/api/rules", token, new { labels = new[] { "Unicorn" }, emailOwner = true }, Ct);
        using var noAction = await client.SendAsync(HttpMethod.Post, "/api/rules", token, new { labels = new[] { "Dog" } }, Ct);
        using var both = await client.SendAsync(HttpMethod.Post, "/api/rules", token, new { email = "x@example.com", emailOwner = true }, Ct);
        using var badJson = await client.SendAsync(HttpMethod.Post, "/api/rules", token, new StringContent("{\"labels\": [", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unicorn.StatusCode);
        Assert.Equal("label: 'Unicorn' is not a label the detector knows (e.g. Person, Car, Dog, Cat, Bicycle)", (await unicorn.JsonAsync(Ct)).GetProperty("detail").GetString());
        Assert.StartsWith("a rule needs an action", (await noAction.JsonAsync(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("email:", (await both.JsonAsync(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);

        using var created = await client.SendAsync(HttpMethod.Post, "/api/rules", token, new { name = "Visitors", labels = new[] { "person" }, minConfidence = 0.6, quietHours = "23:00-06:00", emailOwner = true, webhook = "https://hooks.example/vigil" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rule = await created.JsonAsync(Ct);
        var url = created.Headers.Location!.ToString();
        Assert.Equal(26, rule.GetProperty("webhookSecret").GetString()!.Length);
        Assert.Equal(["Person"], rule.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));

        var read = await (await client.SendAsync(HttpMethod.Get, url, token, cancellationToken: Ct)).JsonAsync(Ct);
        Assert.Equal(JsonValueKind.Null, read.GetProperty("webhookSecret").ValueKind);
        Assert.True(read.GetProperty("emailOwner").GetBoolean());

        using var replaced = await client.SendAsync(HttpMethod.Put, url, token, new { name = "Cars", labels = new[] { "Car" }, email = "ops@example.com", enabled = false }, Ct);
        var after = await replaced.JsonAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(("Cars", "ops@example.com", false, false), (after.GetProperty("name").GetString(), after.GetProperty("email").GetString(), after.GetProperty("emailOwner").GetBoolean(), after.GetProperty("enabled").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("webhook").ValueKind);
        using var mqttOnly = await client.SendAsync(HttpMethod.Put, url, token, new { labels = new[] { "Person" }, mqtt = true }, Ct);
        Assert.Equal(HttpStatusCode.OK, mqttOnly.StatusCode);
        var mqttRule = await mqttOnly.JsonAsync(Ct);
        Assert.Equal((true, false, JsonValueKind.Null), (mqttRule.GetProperty("mqtt").GetBoolean(), mqttRule.GetProperty("emailOwner").GetBoolean(), mqttRule.GetProperty("email").ValueKind));
        using var invalidPut = await client.SendAsync(HttpMethod.Put, url, token, new { minConfidence = 2, emailOwner = true }, Ct);
        Assert.Equal("min-confidence: must be from 0 to 1", (await invalidPut.JsonAsync(Ct)).GetProperty("detail").GetString());

        Assert.Single((await (await client.SendAsync(HttpMethod.Get, "/api/rules", token, cancellationToken: Ct)).JsonAsync(Ct)).EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, url, token, cancellationToken: Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(HttpMethod.Get, url, token, cancellationToken: Ct)).StatusCode);

        using var camera = await client.SendAsync(HttpMethod.Post, "/api/cameras/snapshot", token, new { name = "Gate" }, Ct);
        using var duplicate = await client.SendAsync(HttpMethod.Post, "/api/cameras/snapshot", token, new { name = "Gate" }, Ct);
        using var nameless = await client.SendAsync(HttpMethod.Post, "/api/cameras/snapshot", token, new { name = " " }, Ct);
        Assert.Equal(HttpStatusCode.Created, camera.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("name", (await nameless.JsonAsync(Ct)).GetProperty("parameter").GetString());
        var cameraUrl = camera.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, cameraUrl, token, cancellationToken: Ct)).StatusCode);

        var openApi = await (await client.SendAsync(HttpMethod.Get, "/openapi/v1.json", null, cancellationToken: Ct)).JsonAsync(Ct);
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/events", paths);
        Assert.Contains("/api/events/{id}/pictures/{index}", paths);
        Assert.Contains("/api/rules/{id}", paths);
        Assert.Contains("/api/cameras/snapshot", paths);
    }

    private static SnapshotEvent Event(Guid owner, Guid camera, DateTimeOffset at, string? label) => new()
    {
        Key = Guid.CreateVersion7(),
        CameraId = camera,
        CameraName = "Porch",
        OwnerId = owner,
        OccurredAt = at,
        Source = "Upload",
        DetectionAvailable = true,
        Labels = label ?? "",
        StoredBytes = 0,
        Detections = label is null ? [] : [new EventDetection { PictureIndex = 0, Label = label, Confidence = 0.9f, X = 1, Y = 2, Width = 3, Height = 4 }],
    };

    private static async Task AddEventsAsync(RunningVigil vigil, IEnumerable<SnapshotEvent> events)
    {
        // One at a time: ids follow insertion order, as they do when the processor records events.
        foreach (var e in events)
        {
            await vigil.InScopeAsync(async services =>
            {
                var db = services.GetRequiredService<VigilDbContext>();
                db.Events.Add(e);
                return await db.SaveChangesAsync(Ct);
            });
        }
    }
}
