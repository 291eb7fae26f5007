using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Events;
using Vigil.Server.Features.Identity;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Features.Cameras;
using Vigil.Server.Tests.Features.Identity;
using Vigil.Server.Tests.Features.Signaling;
using Vigil.SigV4;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Security;

/// <summary>
/// One running server holding every kind of principal the authorization matrix tries, and objects
/// owned by Ann that everyone else tries to reach: Ann (the owner), Bob (another user), Carol (an
/// account disabled after she got her token and viewer credentials), Dave (an admin, with a
/// long-term KVS key), cameras CAM-1 (Ann's), CAM-2 (Bob's), CAM-3 (Carol's) and CAM-R (provisioned,
/// then revoked), a claim certificate, snapshot cameras, rules and events of Ann's.
/// Built once per test class; the rows that delete or rotate use objects of their own.
/// </summary>
public sealed class MatrixWorld : IAsyncLifetime
{
    internal const string DetectionKey = "matrix-detection-key";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal RunningVigil Vigil { get; private set; } = null!;

    internal CameraApiClient Ann { get; private set; } = null!;

    internal CameraApiClient Bob { get; private set; } = null!;

    internal CameraApiClient Carol { get; private set; } = null!;

    internal CameraApiClient Dave { get; private set; } = null!;

    /// <summary>Ann's live camera (CAM-1): its camera id and signaling channel.</summary>
    internal LiveCamera AnnsLive { get; private set; } = null!;

    /// <summary>Bob's live camera (CAM-2): whose channel the others try.</summary>
    internal LiveCamera BobsLive { get; private set; } = null!;

    internal LiveCamera CarolsLive { get; private set; } = null!;

    internal Guid AnnsSnapshot { get; private set; }

    internal Guid AnnsSpareSnapshot { get; private set; }

    internal Guid AnnsRotatedSnapshot { get; private set; }

    internal string AnnsUploadToken { get; private set; } = "";

    internal string BobsUploadToken { get; private set; } = "";

    internal Guid AnnsRule { get; private set; }

    internal Guid AnnsSpareRule { get; private set; }

    internal long AnnsEvent { get; private set; }

    internal Guid AnnsEventKey { get; private set; }

    internal long AnnsSpareEvent { get; private set; }

    internal X509Certificate2 Claim { get; private set; } = null!;

    internal X509Certificate2 Cam1 { get; private set; } = null!;

    internal X509Certificate2 Cam2 { get; private set; } = null!;

    internal X509Certificate2 Revoked { get; private set; } = null!;

    /// <summary>Ann's viewer credentials, from POST /api/cameras/{CAM-1}/viewer-credentials.</summary>
    internal SigV4Credentials AnnsViewer { get; private set; } = null!;

    /// <summary>Carol's viewer credentials for her own camera, issued before her account was disabled.</summary>
    internal SigV4Credentials DisabledViewer { get; private set; } = null!;

    /// <summary>CAM-1's and CAM-2's credentials from the credentials provider (mutual TLS, device certificate).</summary>
    internal SigV4Credentials Cam1Thing { get; private set; } = null!;

    internal SigV4Credentials Cam2Thing { get; private set; } = null!;

    /// <summary>CAM-R's credentials, fetched before the thing was revoked.</summary>
    internal SigV4Credentials RevokedThing { get; private set; } = null!;

    /// <summary>Dave's long-term access key (kinesisvideo:* as an admin's default).</summary>
    internal SigV4Credentials AdminKey { get; private set; } = null!;

    /// <summary>A channel the admin made for the rows that change or delete channels.</summary>
    internal string SpareChannelName => "matrix-spare";

    internal string SpareChannelArn { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Vigil = await IdentityTestServer.StartAsync("Sqlite", new Dictionary<string, string?>
        {
            // The detection API with a key and without loopback trust: these tests run on loopback.
            ["Vision:DetectionApiKey"] = DetectionKey,
            ["Vision:DetectionApiAllowLoopback"] = "false",
        }, Ct);
        await DeviceClients.ImportAsync(Vigil, "CAM-1", "CAM-2", "CAM-3", "CAM-R");
        Ann = await CameraApiClient.SignUpAsync(Vigil, "ann@example.com", Ct);
        Bob = await CameraApiClient.SignUpAsync(Vigil, "bob@example.com", Ct);
        Carol = await CameraApiClient.SignUpAsync(Vigil, "carol@example.com", Ct);
        Dave = await CameraApiClient.SignUpAsync(Vigil, "dave@example.com", Ct, admin: true);
        var annsId = (await Ann.BindOrFailAsync("CAM-1", "secret-CAM-1", Ct)).GetProperty("id").GetString()!;
        var bobsId = (await Bob.BindOrFailAsync("CAM-2", "secret-CAM-2", Ct)).GetProperty("id").GetString()!;
        var carolsId = (await Carol.BindOrFailAsync("CAM-3", "secret-CAM-3", Ct)).GetProperty("id").GetString()!;
        Claim = await DeviceClients.NewClaimAsync(Vigil, cancellationToken: Ct);
        Cam1 = await DeviceClients.ProvisionAsync(Vigil, Claim, "CAM-1", cancellationToken: Ct);
        Cam2 = await DeviceClients.ProvisionAsync(Vigil, Claim, "CAM-2", cancellationToken: Ct);
        using (await DeviceClients.ProvisionAsync(Vigil, Claim, "CAM-3", cancellationToken: Ct))
        {
        }

        Revoked = await DeviceClients.ProvisionAsync(Vigil, Claim, "CAM-R", cancellationToken: Ct);
        AnnsLive = await LiveCameraAsync(Ann, annsId);
        BobsLive = await LiveCameraAsync(Bob, bobsId);
        CarolsLive = await LiveCameraAsync(Carol, carolsId);

        AnnsViewer = await ViewerCredentialsAsync(Ann, AnnsLive.Id);
        DisabledViewer = await ViewerCredentialsAsync(Carol, CarolsLive.Id);
        Cam1Thing = await ThingCredentialsAsync(Cam1, "CAM-1");
        Cam2Thing = await ThingCredentialsAsync(Cam2, "CAM-2");
        RevokedThing = await ThingCredentialsAsync(Revoked, "CAM-R");
        AdminKey = await TestCredentials.AdminKeyAsync(Vigil, "dave@example.com");
        using (var admin = KvsTestClient.For(Vigil, AdminKey))
        {
            SpareChannelArn = await admin.CreateChannelAsync(SpareChannelName, Ct);
        }

        var services = Vigil.App.Services;
        var porch = await SnapshotTestData.AddCameraAsync(services, "ann@example.com", "Porch", Ct);
        (AnnsSnapshot, AnnsUploadToken) = (porch.Camera.Id, porch.UploadToken);
        AnnsSpareSnapshot = (await SnapshotTestData.AddCameraAsync(services, "ann@example.com", "Spare", Ct)).Camera.Id;
        AnnsRotatedSnapshot = (await SnapshotTestData.AddCameraAsync(services, "ann@example.com", "Rotated", Ct)).Camera.Id;
        BobsUploadToken = (await SnapshotTestData.AddCameraAsync(services, "bob@example.com", "Garden", Ct)).UploadToken;
        AnnsRule = await RuleAsync("People");
        AnnsSpareRule = await RuleAsync("Spare");
        (AnnsEvent, AnnsEventKey) = await EventAsync(porch.Camera.OwnerId, AnnsSnapshot);
        (AnnsSpareEvent, _) = await EventAsync(porch.Camera.OwnerId, AnnsSnapshot);

        await using (var scope = services.CreateAsyncScope())
        {
            Assert.Equal(RevokeOutcome.Revoked, await scope.ServiceProvider.GetRequiredService<ThingRegistry>().RevokeAsync("CAM-R", Ct));
            Assert.True(await scope.ServiceProvider.GetRequiredService<UserAccounts>().DisableAsync("carol@example.com", Ct));
        }
    }

    /// <summary>The spare channel as the admin describes it now (its version changes when it is updated).</summary>
    internal async Task<HttpRouteMatrix.Channel> SpareChannelAsync()
    {
        using var admin = KvsTestClient.For(Vigil, AdminKey);
        var described = await admin.PostAsync("/describeSignalingChannel", $$"""{"ChannelName":"{{SpareChannelName}}"}""", Ct);
        Assert.True(described.Status == 200, described.Text);
        var info = described.Json.GetProperty("ChannelInfo");
        return new(SpareChannelName, info.GetProperty("ChannelARN").GetString()!, info.GetProperty("Version").GetString()!);
    }

    /// <summary>A client for the server's HTTPS API with no credentials of its own.</summary>
    internal HttpClient Anonymous()
    {
        // Redirects are answers in the matrix (and following one would drop the Authorization header).
        var handler = VigilTrust.Handler(Vigil.RootCertificate);
        handler.AllowAutoRedirect = false;
        return new HttpClient(handler) { BaseAddress = Vigil.Https, Timeout = TimeSpan.FromSeconds(30) };
    }

    private static async Task<LiveCamera> LiveCameraAsync(CameraApiClient user, string id)
    {
        var camera = await user.GetJsonAsync($"/api/cameras/{id}", Ct);
        Assert.True(camera.GetProperty("provisioned").GetBoolean(), $"camera {id} did not provision: {camera}");
        return new LiveCamera(id, camera.GetProperty("channelName").GetString()!, camera.GetProperty("channelArn").GetString()!);
    }

    private async Task<SigV4Credentials> ViewerCredentialsAsync(CameraApiClient user, string cameraId)
    {
        using var response = await user.SendAsync(HttpMethod.Post, $"/api/cameras/{cameraId}/viewer-credentials", null, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"viewer credentials for {cameraId}: {(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new SigV4Credentials(json.GetProperty("accessKeyId").GetString()!, json.GetProperty("secretAccessKey").GetString()!, json.GetProperty("sessionToken").GetString());
    }

    internal HttpClient CredentialsProviderClient(X509Certificate2? certificate, Uri? baseAddress = null)
    {
        var port = Vigil.App.Services.GetRequiredService<DevicePlaneEndpoints>().CredentialsProviderPort;
        return new HttpClient(VigilTrust.Handler(Vigil.RootCertificate, certificate)) { BaseAddress = baseAddress ?? new Uri($"https://localhost:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    private async Task<SigV4Credentials> ThingCredentialsAsync(X509Certificate2 certificate, string thing)
    {
        using var http = CredentialsProviderClient(certificate);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/role-aliases/VigilCameraRoleAlias/credentials");
        request.Headers.Add("x-amzn-iot-thingname", thing);
        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"credentials for {thing}: {(int)response.StatusCode} {body}");
        var credentials = JsonDocument.Parse(body).RootElement.GetProperty("credentials");
        return new SigV4Credentials(credentials.GetProperty("accessKeyId").GetString()!, credentials.GetProperty("secretAccessKey").GetString()!, credentials.GetProperty("sessionToken").GetString());
    }

    private async Task<Guid> RuleAsync(string name)
    {
        using var response = await Ann.SendAsync(HttpMethod.Post, "/api/rules", new { name, labels = new[] { "Person" }, emailOwner = true }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"rule {name}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    private async Task<(long Id, Guid Key)> EventAsync(Guid owner, Guid camera)
    {
        var key = Guid.CreateVersion7();
        var at = TimeProvider.System.GetUtcNow();
        var store = Vigil.App.Services.GetRequiredService<PictureStore>();
        var path = await store.WriteAsync(store.DirectoryFor(key, at), "0.jpg", SnapshotPictures.Jpeg(64, 48), durable: false, Ct);
        var snapshot = new SnapshotEvent
        {
            Key = key,
            CameraId = camera,
            CameraName = "Porch",
            OwnerId = owner,
            OccurredAt = at,
            Source = "Upload",
            DetectionAvailable = true,
            Labels = "Person",
            StoredBytes = 1000,
            Pictures = [new EventPicture { Index = 0, ContentType = "image/jpeg", Path = path, Width = 64, Height = 48 }],
            Detections = [new EventDetection { PictureIndex = 0, Label = "Person", Confidence = 0.9f, X = 1, Y = 2, Width = 3, Height = 4 }],
        };
        await using var scope = Vigil.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        db.Events.Add(snapshot);
        await db.SaveChangesAsync(Ct);
        return (snapshot.Id, key);
    }

    internal static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    public async ValueTask DisposeAsync()
    {
        foreach (var user in new[] { Ann, Bob, Carol, Dave })
        {
            user?.Dispose();
        }

        foreach (var certificate in new[] { Claim, Cam1, Cam2, Revoked })
        {
            certificate?.Dispose();
        }

        if (Vigil is not null)
        {
            await Vigil.DisposeAsync();
        }
    }
}

/// <summary>A bound, provisioned camera: its id in the API and its signaling channel.</summary>
internal sealed record LiveCamera(string Id, string ChannelName, string ChannelArn);
