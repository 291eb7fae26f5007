using System.Text.Json;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Tests.Support;
using Vigil.SigV4;

namespace Vigil.Server.Tests.Features.Signaling;

/// <summary>
/// Clients we did not write, from npm at the versions pinned in tests/compat/package-lock.json, against a
/// running Vigil over real TLS sockets: the AWS SDK for JavaScript v3 (control plane, signaling HTTPS)
/// and the KVS WebRTC JS SDK's SignalingClient (WebSocket master and viewer).
/// </summary>
public sealed class CompatibilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("long-term key")]
    [InlineData("temporary credentials")]
    public async Task The_aws_sdk_for_javascript_drives_the_control_plane_and_get_ice_server_config(string kind)
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        var prefix = kind == "long-term key" ? "compat-key" : "compat-temp";
        var credentials = kind == "long-term key"
            ? await TestCredentials.AdminKeyAsync(vigil)
            : TestCredentials.Temporary(vigil, CredentialPrincipal.User("ops@example.com"),
                """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"*"}]}""",
                sessionPolicyJson: $$"""
                    {"Version":"2012-10-17","Statement":[
                      {"Effect":"Allow","Action":"kinesisvideo:*","Resource":"arn:aws:kinesisvideo:*:*:channel/{{prefix}}-*/*"},
                      {"Effect":"Allow","Action":"kinesisvideo:ListSignalingChannels","Resource":"*"}]}
                    """);

        var result = await RunAsync(vigil, "control-plane.mjs", new { endpoint = Endpoint(vigil), region = "us-east-1", prefix, credentials = Json(credentials) });

        Assert.Equal(
            ["create", "describe", "list-pagination", "update", "get-endpoint", "get-ice-server-config", "delete-version-mismatch", "delete", "create-name-in-use"],
            result.EnumerateObject().Select(p => p.Name));
        Assert.All(result.EnumerateObject(), p => Assert.True(p.Value.GetString() == "ok", $"{p.Name}: {p.Value}"));
    }

    [Theory]
    [InlineData("long-term key")]
    [InlineData("temporary credentials")]
    public async Task The_kvs_webrtc_js_sdk_exchanges_offer_answer_and_candidates_as_master_and_viewer(string kind)
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        var admin = await TestCredentials.AdminKeyAsync(vigil);
        using (var kvs = KvsTestClient.For(vigil, admin))
        {
            await kvs.CreateChannelAsync("camera-0001", Ct);
        }

        SigV4Credentials master, viewer;
        if (kind == "long-term key")
        {
            (master, viewer) = (admin, admin);
        }
        else
        {
            // What the credentials provider gives a camera, and what the web client's session API gives a viewer.
            master = TestCredentials.Temporary(vigil, CredentialPrincipal.Thing("camera-0001", "0123abcd"), TestCredentials.CameraPolicy);
            viewer = TestCredentials.Temporary(vigil, CredentialPrincipal.User("guest@example.com"), TestCredentials.ViewerPolicy("camera-0001"), TimeSpan.FromMinutes(15));
        }

        var result = await RunAsync(vigil, "signaling.mjs", new { endpoint = Endpoint(vigil), region = "us-east-1", channelName = "camera-0001", master = Json(master), viewer = Json(viewer) });

        Assert.Equal(["master-open", "viewer-open", "master-offer", "master-candidate", "viewer-answer", "viewer-candidate"],
            result.EnumerateObject().Select(p => p.Name).Order(Comparer<string>.Create((a, b) => Rank(a).CompareTo(Rank(b)))));
        Assert.All(result.EnumerateObject(), p => Assert.True(p.Value.GetString() == "ok", $"{p.Name}: {p.Value}"));
    }

    private static int Rank(string name) => Array.IndexOf(["master-open", "viewer-open", "master-offer", "master-candidate", "viewer-answer", "viewer-candidate"], name) is var i and >= 0 ? i : 99;

    private static string Endpoint(RunningVigil vigil) => $"https://localhost:{vigil.Https.Port}";

    private static object Json(SigV4Credentials credentials) =>
        credentials.SessionToken is null
            ? new { accessKeyId = credentials.AccessKeyId, secretAccessKey = credentials.SecretAccessKey }
            : new { accessKeyId = credentials.AccessKeyId, secretAccessKey = credentials.SecretAccessKey, sessionToken = credentials.SessionToken };

    private static async Task<JsonElement> RunAsync(RunningVigil vigil, string script, object configuration)
    {
        using var files = new TempDirectory("compat");
        var ca = files.File("root-ca.pem");
        await File.WriteAllTextAsync(ca, vigil.RootCertificate.ExportCertificatePem(), Ct);
        return await CompatClients.RunAsync(script, configuration, ca, Ct);
    }
}
