using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.Server.Features.Devices;
using Vigil.Server.Hosting;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Credentials;

/// <summary>The credentials provider over real mutual TLS, issuing real temporary credentials.</summary>
public sealed class CredentialsProviderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(RunningVigil Vigil, X509Certificate2 Claim)> StartAsync(params string[] serials)
    {
        var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, serials);
        return (vigil, await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct));
    }

    private static HttpClient Client(RunningVigil vigil, X509Certificate2? certificate, Uri? baseAddress = null)
    {
        var handler = VigilTrust.Handler(vigil.RootCertificate, certificate);
        var port = vigil.App.Services.GetRequiredService<DevicePlaneEndpoints>().CredentialsProviderPort;
        return new HttpClient(handler) { BaseAddress = baseAddress ?? new Uri($"https://localhost:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    private static HttpRequestMessage Get(string alias, string? thing)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/role-aliases/{alias}/credentials");
        if (thing is not null)
        {
            request.Headers.Add("x-amzn-iot-thingname", thing);
        }

        return request;
    }

    [Fact]
    public async Task A_device_gets_credentials_in_the_exact_IoT_format_scoped_to_its_own_channel()
    {
        var (vigil, claim) = await StartAsync("CAM-A");
        await using var _ = vigil;
        using var __ = claim;
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);
        using var http = Client(vigil, device);

        using var response = await http.SendAsync(Get("VigilCameraRoleAlias", "CAM-A"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var credentials = json.RootElement.GetProperty("credentials");
        Assert.Equal(["accessKeyId", "secretAccessKey", "sessionToken", "expiration"], credentials.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("ASIA", credentials.GetProperty("accessKeyId").GetString(), StringComparison.Ordinal);
        var expiration = credentials.GetProperty("expiration").GetString()!;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", expiration);
        Assert.InRange(DateTimeOffset.Parse(expiration, System.Globalization.CultureInfo.InvariantCulture) - TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));

        // Signed with these credentials, DescribeSignalingChannel passes SigV4 and the policy for
        // the camera's own channel, and only for it, through the real control plane.
        var sigv4 = new SigV4.SigV4Credentials(credentials.GetProperty("accessKeyId").GetString()!, credentials.GetProperty("secretAccessKey").GetString()!, credentials.GetProperty("sessionToken").GetString());
        // Provisioning created the camera's channel, named after the thing.
        var own = await SignedKvsRequests.DescribeSignalingChannelAsync(vigil, sigv4, "CAM-A", Ct);
        Assert.True(own.Status == HttpStatusCode.OK, own.Body);
        Assert.Contains(":channel/CAM-A/", own.Body, StringComparison.Ordinal);
        var other = await SignedKvsRequests.DescribeSignalingChannelAsync(vigil, sigv4, "CAM-B", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, other.Status);
        Assert.Contains("kinesisvideo:DescribeSignalingChannel", other.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thing_name_that_is_not_the_certificates_is_refused_with_403()
    {
        var (vigil, claim) = await StartAsync("CAM-A", "CAM-B");
        await using var _ = vigil;
        using var __ = claim;
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);
        using var http = Client(vigil, device);

        using var response = await http.SendAsync(Get("VigilCameraRoleAlias", "CAM-B"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("\"message\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claim_certificates_revoked_devices_and_unknown_aliases_are_refused()
    {
        var (vigil, claim) = await StartAsync("CAM-A");
        await using var _ = vigil;
        using var __ = claim;
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);

        using (var asClaim = Client(vigil, claim))
        using (var response = await asClaim.SendAsync(Get("VigilCameraRoleAlias", "CAM-A"), Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using (var http = Client(vigil, device))
        using (var response = await http.SendAsync(Get("NoSuchAlias", "CAM-A"), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ThingRegistry>().RevokeAsync("CAM-A", Ct);
        }

        using (var http = Client(vigil, device))
        using (var response = await http.SendAsync(Get("VigilCameraRoleAlias", "CAM-A"), Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

    }

    [Fact]
    public async Task Without_a_client_certificate_the_TLS_handshake_fails()
    {
        var (vigil, claim) = await StartAsync();
        await using var __ = vigil;
        using var ___ = claim;
        using var http = Client(vigil, null);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.SendAsync(Get("VigilCameraRoleAlias", "CAM-A"), Ct));
    }

    [Fact]
    public async Task The_endpoint_answers_only_on_its_own_listener_and_that_listener_serves_nothing_else()
    {
        var (vigil, claim) = await StartAsync("CAM-A");
        await using var _ = vigil;
        using var __ = claim;
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);

        using (var api = Client(vigil, device, vigil.Https))
        using (var response = await api.SendAsync(Get("VigilCameraRoleAlias", "CAM-A"), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using (var provider = Client(vigil, device))
        using (var response = await provider.GetAsync("/healthz", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

    }
}
