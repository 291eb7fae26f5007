using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Identity;
using Vigil.Server.Tests.Features.Identity;
using Vigil.Server.Tests.Features.Signaling;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Cameras;

/// <summary>
/// <c>POST /api/cameras/{id}/viewer-credentials</c> and <c>GET /api/cameras/{id}/viewer-url</c>: the
/// credentials and the signed URL are used by clients we did not write (AWS SDK v3, the KVS WebRTC
/// SDK's SignalingClient, 'ws'; tests/compat/viewer-credentials.mjs) against a real master.
/// </summary>
public sealed class ViewerAccessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string?> Turn = new()
    {
        // No TURN relay runs here: GetIceServerConfig and the viewer URL only hand out its address and credentials.
        ["Signaling:TurnUris:0"] = "turn:localhost:3479?transport=udp",
        ["Signaling:TurnSharedSecret"] = "turn-shared-secret",
    };

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Viewer_credentials_and_the_signed_url_view_the_users_camera_with_unmodified_sdks_and_nothing_else(string provider)
    {
        var clock = new ShiftedClock();
        await using var vigil = await IdentityTestServer.StartAsync(provider, Turn, services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)), Ct);
        var (ann, annsCamera, bob, bobsCamera) = await TwoBoundLiveCamerasAsync(vigil);
        using var _ = ann;
        using var __ = bob;

        var before = TimeProvider.System.GetUtcNow();
        using var issued = await ann.SendAsync(HttpMethod.Post, $"/api/cameras/{annsCamera.Id}/viewer-credentials", null, Ct);
        var credentials = await JsonAsync(issued, HttpStatusCode.OK);
        Assert.Equal("no-store", issued.Headers.CacheControl?.ToString());
        Assert.StartsWith("ASIA", credentials.GetProperty("accessKeyId").GetString(), StringComparison.Ordinal);
        Assert.Equal(annsCamera.ChannelArn, credentials.GetProperty("channelArn").GetString());
        Assert.Equal(annsCamera.ChannelName, credentials.GetProperty("channelName").GetString());
        Assert.Equal("us-east-1", credentials.GetProperty("region").GetString());
        var expiration = credentials.GetProperty("expiration").GetDateTimeOffset();
        Assert.InRange(expiration, before.AddMinutes(15).AddSeconds(-2), TimeProvider.System.GetUtcNow().AddMinutes(15).AddSeconds(2));

        using var urlAnswer = await ann.SendAsync(HttpMethod.Get, $"/api/cameras/{annsCamera.Id}/viewer-url", null, Ct);
        var url = await JsonAsync(urlAnswer, HttpStatusCode.OK);
        var signedUrl = url.GetProperty("signedURL").GetString()!;
        Assert.StartsWith($"wss://localhost:{vigil.Https.Port}/signaling/viewer?", signedUrl, StringComparison.Ordinal);
        Assert.Contains($"X-Amz-ClientId={url.GetProperty("clientId").GetString()}", signedUrl, StringComparison.Ordinal);
        Assert.Contains("X-Amz-Expires=300", signedUrl, StringComparison.Ordinal);
        var ice = url.GetProperty("iceServers").EnumerateArray().ToList();
        Assert.Contains(ice, s => s.GetProperty("urls").EnumerateArray().Any(u => u.GetString()!.StartsWith("turn:", StringComparison.Ordinal))
            && s.GetProperty("username").GetString()!.EndsWith(':' + url.GetProperty("clientId").GetString(), StringComparison.Ordinal)
            && s.GetProperty("credential").GetString() is { Length: > 0 });
        Assert.Contains(ice, s => s.GetProperty("urls").EnumerateArray().Any(u => u.GetString()!.StartsWith("stun:", StringComparison.Ordinal)));

        // The camera's side, as the credentials provider gives it to the thing.
        var master = TestCredentials.Temporary(vigil, CredentialPrincipal.Thing(annsCamera.ChannelName, "0123abcd"), TestCredentials.CameraPolicy);
        var settings = new
        {
            endpoint = $"https://localhost:{vigil.Https.Port}",
            mode = "use",
            clockOffsetMs = 0L,
            viewer = credentials,
            master = new { accessKeyId = master.AccessKeyId, secretAccessKey = master.SecretAccessKey, sessionToken = master.SessionToken },
            otherChannelArn = bobsCamera.ChannelArn,
            signedURL = signedUrl,
        };
        var result = await RunAsync(vigil, settings);
        Assert.Equal(
            ["describe", "endpoint", "ice-server-config", "other-camera-describe", "other-camera-endpoint", "connect-as-master-denied", "other-camera-connect-denied", "viewer-answer", "signed-url-answer"],
            result.EnumerateObject().Select(p => p.Name));
        Assert.All(result.EnumerateObject(), p => Assert.True(p.Value.GetString() == "ok", $"{p.Name}: {p.Value}"));

        // The same credentials once they expired (the server's clock and the SDK's move on 16 minutes).
        clock.Offset = TimeSpan.FromMinutes(16);
        var expired = await RunAsync(vigil, settings with { mode = "expired", clockOffsetMs = (long)clock.Offset.TotalMilliseconds });
        Assert.Equal("ok", expired.GetProperty("describe-after-expiry").GetString());
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Viewer_access_is_refused_for_another_users_camera_a_snapshot_camera_an_unprovisioned_one_after_unbinding_and_to_a_disabled_account(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, Turn, Ct);
        var (ann, annsCamera, bob, bobsCamera) = await TwoBoundLiveCamerasAsync(vigil, "CAM-3");
        using var _ = ann;
        using var __ = bob;
        string[] routes = ["POST viewer-credentials", "GET viewer-url"];

        foreach (var route in routes)
        {
            // Another user's camera, and one that does not exist: the same 404.
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(ann, route, bobsCamera.Id));
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(ann, route, Guid.NewGuid().ToString()));
            using var anonymous = await ann.Http.SendAsync(new HttpRequestMessage(Method(route), Path(route, annsCamera.Id)), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var notProvisioned = (await ann.BindOrFailAsync("CAM-3", "secret-CAM-3", Ct)).GetProperty("id").GetString()!;
        using var snapshotAnswer = await ann.SendAsync(HttpMethod.Post, "/api/cameras/snapshot", new { name = "porch" }, Ct);
        var snapshot = (await JsonAsync(snapshotAnswer, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        foreach (var route in routes)
        {
            Assert.Equal("https://vigil.invalid/problems/camera-not-provisioned", await ProblemTypeAsync(ann, route, notProvisioned, HttpStatusCode.Conflict));
            Assert.Equal("https://vigil.invalid/problems/camera-not-live", await ProblemTypeAsync(ann, route, snapshot, HttpStatusCode.Conflict));
        }

        using var badClient = await ann.SendAsync(HttpMethod.Get, $"/api/cameras/{annsCamera.Id}/viewer-url?clientId=AWS_x", null, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badClient.StatusCode);

        // Unbinding ends new credentials: the camera is no longer hers.
        using (var unbound = await ann.SendAsync(HttpMethod.Delete, $"/api/cameras/{annsCamera.Id}", null, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, unbound.StatusCode);
        }

        foreach (var route in routes)
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(ann, route, annsCamera.Id));
        }

        // A disabled account gets nothing, even with an access token that has not expired.
        await vigil.InScopeAsync(sp => sp.GetRequiredService<UserAccounts>().DisableAsync("bob@example.com", Ct));
        foreach (var route in routes)
        {
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(bob, route, bobsCamera.Id));
        }
    }

    internal sealed record BoundCamera(string Id, string ChannelName, string ChannelArn);

    /// <summary>Ann binds CAM-1 and Bob CAM-2; both cameras provision (and so get their signaling channels).</summary>
    internal static async Task<(CameraApiClient Ann, BoundCamera AnnsCamera, CameraApiClient Bob, BoundCamera BobsCamera)> TwoBoundLiveCamerasAsync(RunningVigil vigil, params string[] moreSerials)
    {
        await DeviceClients.ImportAsync(vigil, ["CAM-1", "CAM-2", .. moreSerials]);
        var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);
        var bob = await CameraApiClient.SignUpAsync(vigil, "bob@example.com", Ct);
        var annsId = (await ann.BindOrFailAsync("CAM-1", "secret-CAM-1", Ct)).GetProperty("id").GetString()!;
        var bobsId = (await bob.BindOrFailAsync("CAM-2", "secret-CAM-2", Ct)).GetProperty("id").GetString()!;
        var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using (await DeviceClients.ProvisionAsync(vigil, claim, "CAM-1", cancellationToken: Ct))
        using (await DeviceClients.ProvisionAsync(vigil, claim, "CAM-2", cancellationToken: Ct))
        {
        }

        return (ann, await CameraAsync(ann, annsId), bob, await CameraAsync(bob, bobsId));
    }

    private static async Task<BoundCamera> CameraAsync(CameraApiClient user, string id)
    {
        var camera = await user.GetJsonAsync($"/api/cameras/{id}", Ct);
        Assert.True(camera.GetProperty("provisioned").GetBoolean(), $"camera {id} did not provision: {camera}");
        return new BoundCamera(id, camera.GetProperty("channelName").GetString()!, camera.GetProperty("channelArn").GetString()!);
    }

    private static HttpMethod Method(string route) => route.StartsWith("POST", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get;

    private static string Path(string route, string id) => $"/api/cameras/{id}/{route.Split(' ')[1]}";

    private static async Task<HttpStatusCode> StatusAsync(CameraApiClient user, string route, string id)
    {
        using var response = await user.SendAsync(Method(route), Path(route, id), null, Ct);
        return response.StatusCode;
    }

    private static async Task<string?> ProblemTypeAsync(CameraApiClient user, string route, string id, HttpStatusCode expected)
    {
        using var response = await user.SendAsync(Method(route), Path(route, id), null, Ct);
        return (await JsonAsync(response, expected)).GetProperty("type").GetString();
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<JsonElement> RunAsync(RunningVigil vigil, object settings)
    {
        using var files = new TempDirectory("compat");
        var ca = files.File("root-ca.pem");
        await File.WriteAllTextAsync(ca, vigil.RootCertificate.ExportCertificatePem(), Ct);
        return await CompatClients.RunAsync("viewer-credentials.mjs", settings, ca, Ct);
    }
}
