using System.Net;
using System.Net.WebSockets;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Credentials.Policies;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Identity;
using Vigil.Server.Features.Pki;
using Vigil.Server.Tests.Features.Cameras;
using Vigil.Server.Tests.Features.Identity;
using Vigil.SigV4;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Signaling;

/// <summary>
/// Issue 15 §4: a camera's channel is the camera's (only the thing or an admin key may be its master),
/// non-admin keys get no default KVS access, and taking access away (thing or key revoked, account
/// disabled, camera unbound) closes the open signaling WebSockets of that principal within seconds.
/// </summary>
public sealed class SignalingRevocationTests
{
    /// <summary>The promise is "within a few seconds"; the review runs every 2 s by default.</summary>
    private static readonly TimeSpan Promised = TimeSpan.FromSeconds(6);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Only_the_thing_or_an_admin_key_may_be_master_of_a_cameras_channel_and_a_non_admins_default_key_may_do_nothing(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, cancellationToken: Ct);
        var (ann, annsCamera, bob, bobsCamera) = await ViewerAccessTests.TwoBoundLiveCamerasAsync(vigil);
        using var __ = ann;
        using var ___ = bob;

        var defaultKey = await KeyAsync(vigil, "mallory@example.com", admin: false, policy: null);
        var everythingKey = await KeyAsync(vigil, "mallory@example.com", admin: false, AccessPolicy.KinesisVideoFullAccess);
        var adminKey = await KeyAsync(vigil, "root@example.com", admin: true, policy: null);

        // The default key of a non-admin: refused everything, the master's place first.
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), await SignalingTestSocket.RefusedAsync(vigil, Url(vigil, defaultKey, annsCamera.ChannelArn), Ct));
        var (describe, _) = await SignedKvsRequests.DescribeSignalingChannelAsync(vigil, defaultKey, annsCamera.ChannelName, Ct);
        Assert.NotEqual(HttpStatusCode.OK, describe);

        // Even a non-admin key whose policy says kinesisvideo:* is not the camera's master.
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), await SignalingTestSocket.RefusedAsync(vigil, Url(vigil, everythingKey, annsCamera.ChannelArn), Ct));
        using (var kvs = KvsTestClient.For(vigil, everythingKey))
        {
            var deleted = await kvs.PostAsync("/deleteSignalingChannel", $$"""{"ChannelARN":"{{annsCamera.ChannelArn}}"}""", Ct);
            Assert.Equal("AccessDeniedException", deleted.ErrorType);
            var updated = await kvs.PostAsync("/updateSignalingChannel", $$"""{"ChannelARN":"{{annsCamera.ChannelArn}}","CurrentVersion":"1"}""", Ct);
            Assert.Equal("AccessDeniedException", updated.ErrorType);
        }

        // Another thing is not this camera's master either; the thing itself and an admin key are.
        var otherThing = TestCredentials.Temporary(vigil, CredentialPrincipal.Thing(bobsCamera.ChannelName, "0123abcd"), """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"*"}]}""");
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), await SignalingTestSocket.RefusedAsync(vigil, Url(vigil, otherThing, annsCamera.ChannelArn), Ct));
        var itself = TestCredentials.Temporary(vigil, CredentialPrincipal.Thing(annsCamera.ChannelName, "0123abcd"), TestCredentials.CameraPolicy);
        await using (var master = await SignalingTestSocket.ConnectAsync(vigil, itself, annsCamera.ChannelArn, null, Ct))
        {
            Assert.Equal(WebSocketState.Open, master.Socket.State);
        }

        await using var asAdmin = await SignalingTestSocket.ConnectAsync(vigil, adminKey, annsCamera.ChannelArn, null, Ct);
        Assert.Equal(WebSocketState.Open, asAdmin.Socket.State);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Unbinding_disabling_revoking_a_key_or_a_thing_closes_that_principals_open_sockets_within_seconds(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-1", "CAM-2");
        using var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);
        using var bob = await CameraApiClient.SignUpAsync(vigil, "bob@example.com", Ct);
        var annsId = (await ann.BindOrFailAsync("CAM-1", "secret-CAM-1", Ct)).GetProperty("id").GetString()!;
        var bobsId = (await bob.BindOrFailAsync("CAM-2", "secret-CAM-2", Ct)).GetProperty("id").GetString()!;
        var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var annsDevice = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-1", cancellationToken: Ct);
        using var bobsDevice = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-2", cancellationToken: Ct);
        var annsChannel = (await ann.GetJsonAsync($"/api/cameras/{annsId}", Ct)).GetProperty("channelArn").GetString()!;
        var bobsCamera = await bob.GetJsonAsync($"/api/cameras/{bobsId}", Ct);
        var bobsChannel = bobsCamera.GetProperty("channelArn").GetString()!;

        // Each camera's master with the credentials its certificate gets; a viewer of each through viewer-url; a viewer with an admin key.
        var bobsThing = TestCredentials.Temporary(vigil, CredentialPrincipal.Thing(bobsCamera.GetProperty("channelName").GetString()!, Fingerprint.Of(bobsDevice)), TestCredentials.CameraPolicy);
        await using var bobsMaster = await SignalingTestSocket.ConnectAsync(vigil, bobsThing, bobsChannel, null, Ct);
        await using var annsViewer = await SignalingTestSocket.ConnectAsync(vigil, await SignedUrlAsync(ann, annsId), Ct);
        await using var bobsViewer = await SignalingTestSocket.ConnectAsync(vigil, await SignedUrlAsync(bob, bobsId), Ct);
        var key = await KeyAsync(vigil, "root@example.com", admin: true, policy: null);
        await using var keyViewer = await SignalingTestSocket.ConnectAsync(vigil, SignalingTestSocket.PresignedUrl(vigil, key, annsChannel, "support-desk"), Ct);

        // Ann removes her camera: her viewer goes, nobody else's.
        using (var removed = await ann.SendAsync(HttpMethod.Delete, $"/api/cameras/{annsId}", null, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, (await annsViewer.ReceiveCloseAsync(Ct, Promised)).Status);
        Assert.Equal(WebSocketState.Open, bobsViewer.Socket.State);

        // The key is revoked: its viewer goes.
        await vigil.InScopeAsync(sp => sp.GetRequiredService<AccessKeyStore>().RevokeAsync(key.AccessKeyId, Ct));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, (await keyViewer.ReceiveCloseAsync(Ct, Promised)).Status);

        // Bob's account is disabled: his viewer goes; his camera (a thing, not Bob) stays.
        await vigil.InScopeAsync(sp => sp.GetRequiredService<UserAccounts>().DisableAsync("bob@example.com", Ct));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, (await bobsViewer.ReceiveCloseAsync(Ct, Promised)).Status);
        Assert.Equal(WebSocketState.Open, bobsMaster.Socket.State);

        // Bob's camera is revoked: its master goes, and its temporary credentials stop working.
        await vigil.InScopeAsync(sp => sp.GetRequiredService<ThingRegistry>().RevokeAsync(bobsCamera.GetProperty("channelName").GetString()!, Ct));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, (await bobsMaster.ReceiveCloseAsync(Ct, Promised)).Status);
        var (status, body) = await SignedKvsRequests.DescribeSignalingChannelAsync(vigil, bobsThing, bobsCamera.GetProperty("channelName").GetString()!, Ct);
        // UnrecognizedClientException (in x-amzn-ErrorType): AWS's answer for a session token it no longer honours.
        Assert.True(status == HttpStatusCode.Forbidden && body.Contains("The security token included in the request is invalid", StringComparison.Ordinal), $"{(int)status} {body}");
    }

    private static string Url(RunningVigil vigil, SigV4Credentials credentials, string channelArn) =>
        SignalingTestSocket.PresignedUrl(vigil, credentials, channelArn, null);

    private static async Task<string> SignedUrlAsync(CameraApiClient user, string cameraId) =>
        (await user.GetJsonAsync($"/api/cameras/{cameraId}/viewer-url", Ct)).GetProperty("signedURL").GetString()!;

    private static async Task<SigV4Credentials> KeyAsync(RunningVigil vigil, string email, bool admin, AccessPolicy? policy)
    {
        await using var scope = vigil.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<IUserDirectory>();
        if (await users.FindByEmailAsync(email, Ct) is null)
        {
            await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateWithTemporaryPasswordAsync(email, admin, null, Ct);
        }

        var account = (await users.FindByEmailAsync(email, Ct))!;
        var created = await scope.ServiceProvider.GetRequiredService<AccessKeyStore>().CreateAsync(account.Id, policy ?? AccessKeyStore.DefaultPolicy(account), null, Ct);
        return new SigV4Credentials(created.Key.Id, created.SecretAccessKey);
    }
}
