using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts.FleetProvisioning;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Storage;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>A configured template with a pre-provisioning hook, served by a real HTTP listener on loopback.</summary>
public sealed class PreProvisioningHookTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An HTTP endpoint (HttpListener) that records what it got and answers as told.</summary>
    private sealed class Hook : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public Hook(Func<JsonElement, Task<(int Status, string Body)>> answer)
        {
            var port = VigilExecutable.FreePort();
            Url = new Uri($"http://127.0.0.1:{port}/hook/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                    var input = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
                    Inputs.Add(input);
                    var (status, body) = await answer(input);
                    try
                    {
                        context.Response.StatusCode = status;
                        context.Response.ContentType = "application/json";
                        var bytes = Encoding.UTF8.GetBytes(body);
                        await context.Response.OutputStream.WriteAsync(bytes);
                        context.Response.Close();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
                    {
                        // The caller gave up (timeout test).
                    }
                }
            });
        }

        public Uri Url { get; }

        public System.Collections.Concurrent.ConcurrentBag<JsonElement> Inputs { get; } = [];

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static async Task<(bool Accepted, string Body)> RegisterAsync(RunningVigil vigil, string serial, Dictionary<string, string> parameters)
    {
        using var claim = await DeviceClients.NewClaimAsync(vigil, "HookedCam", Ct);
        using var client = await DeviceClients.ConnectAsync(vigil, claim, "hooked-" + serial, cancellationToken: Ct);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (_, created) = await DeviceClients.RequestAsync(client, FleetProvisioningTopics.CreateFromCsr, JsonSerializer.Serialize(new { certificateSigningRequest = DeviceClients.CsrPem(key) }), Ct);
        var token = JsonSerializer.Deserialize(created, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrResponse)!.CertificateOwnershipToken;
        return await DeviceClients.RequestAsync(client, FleetProvisioningTopics.Provision("HookedCam"), JsonSerializer.Serialize(new { certificateOwnershipToken = token, parameters }), Ct);
    }

    private static Dictionary<string, string?> Template(Uri hook) => new()
    {
        ["Provisioning:Templates:HookedCam:Parameters:0"] = "SerialNumber",
        ["Provisioning:Templates:HookedCam:Parameters:1"] = "Site",
        ["Provisioning:Templates:HookedCam:ThingName"] = "${SerialNumber}",
        ["Provisioning:Templates:HookedCam:ThingTypeName"] = "GardenCamera",
        ["Provisioning:Templates:HookedCam:Attributes:site"] = "${Site}",
        ["Provisioning:Templates:HookedCam:ThingGroups:0"] = "garden",
        ["Provisioning:Templates:HookedCam:DeviceConfiguration:profile"] = "hd-${Site}",
        ["Provisioning:Templates:HookedCam:PreProvisioningHookUrl"] = hook.ToString(),
    };

    [Fact]
    public async Task The_hook_gets_the_AWS_input_and_its_overrides_reach_the_template()
    {
        await using var hook = new Hook(_ => Task.FromResult((200, """{"allowProvisioning":true,"parameterOverrides":{"Site":"garden-east"}}""")));
        await using var vigil = await RunningVigil.StartAsync(settings: Template(hook.Url), cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-H1");

        var (accepted, body) = await RegisterAsync(vigil, "CAM-H1", new() { ["SerialNumber"] = "CAM-H1", ["Site"] = "unknown" });

        Assert.True(accepted, body);
        Assert.Equal("""{"deviceConfiguration":{"profile":"hd-garden-east"},"thingName":"CAM-H1"}""", body);
        var input = Assert.Single(hook.Inputs);
        Assert.Equal(64, input.GetProperty("claimCertificateId").GetString()!.Length);
        Assert.Equal(64, input.GetProperty("certificateId").GetString()!.Length);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", input.GetProperty("certificatePem").GetString(), StringComparison.Ordinal);
        Assert.Equal("arn:aws:iot:us-east-1:000000000000:provisioningtemplate/HookedCam", input.GetProperty("templateArn").GetString());
        Assert.Equal("hooked-CAM-H1", input.GetProperty("clientId").GetString());
        Assert.Equal("unknown", input.GetProperty("parameters").GetProperty("Site").GetString());
        await using var scope = vigil.App.Services.CreateAsyncScope();
        var thing = await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Things.AsNoTracking().SingleAsync(t => t.Name == "CAM-H1", Ct);
        Assert.Equal(("GardenCamera", """{"site":"garden-east"}""", """["garden"]"""), (thing.ThingTypeName, thing.AttributesJson, thing.ThingGroupsJson));
    }

    [Theory]
    [InlineData(200, """{"allowProvisioning":false}""")]
    [InlineData(200, """{"parameterOverrides":{}}""")]
    [InlineData(500, """{"allowProvisioning":true}""")]
    [InlineData(200, "not json")]
    public async Task A_hook_that_refuses_fails_or_answers_nonsense_refuses_provisioning(int status, string answer)
    {
        await using var hook = new Hook(_ => Task.FromResult((status, answer)));
        await using var vigil = await RunningVigil.StartAsync(settings: Template(hook.Url), cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-H2");

        var (accepted, body) = await RegisterAsync(vigil, "CAM-H2", new() { ["SerialNumber"] = "CAM-H2", ["Site"] = "x" });

        Assert.False(accepted);
        var error = JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.ErrorResponse)!;
        Assert.Equal((403, "AccessDenied"), (error.StatusCode, error.ErrorCode));
    }

    [Fact]
    public async Task A_hook_slower_than_5_seconds_refuses_provisioning()
    {
        await using var hook = new Hook(async _ =>
        {
            await Task.Delay(TimeSpan.FromSeconds(8), Ct);
            return (200, """{"allowProvisioning":true}""");
        });
        await using var vigil = await RunningVigil.StartAsync(settings: Template(hook.Url), cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-H3");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var (accepted, body) = await RegisterAsync(vigil, "CAM-H3", new() { ["SerialNumber"] = "CAM-H3", ["Site"] = "x" });

        Assert.False(accepted);
        Assert.Contains("AccessDenied", body, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task A_missing_template_parameter_is_a_400()
    {
        await using var hook = new Hook(_ => Task.FromResult((200, """{"allowProvisioning":true}""")));
        await using var vigil = await RunningVigil.StartAsync(settings: Template(hook.Url), cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-H4");

        var (accepted, body) = await RegisterAsync(vigil, "CAM-H4", new() { ["SerialNumber"] = "CAM-H4" });

        Assert.False(accepted);
        Assert.Contains("\"errorCode\":\"InvalidParameters\"", body, StringComparison.Ordinal);
        Assert.Contains("Site", body, StringComparison.Ordinal);
    }
}
