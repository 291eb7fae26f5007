using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.Devices.Bench;

namespace Vigil.Identity.Bench;

/// <summary>A camera for the viewer-access rows: registered, bound by the bench user, provisioned over MQTT (so it has its channel).</summary>
internal static class ViewerSetup
{
    public static async Task<string> BindProvisionedCameraAsync(BenchServer server, string token)
    {
        const string serial = "BENCH-CAM-1";
        var registry = Path.Combine(server.DataDirectory, "..", $"{Path.GetFileName(server.DataDirectory)}-registry.csv");
        await File.WriteAllLinesAsync(registry, ["serial,secret,model", $"{serial},secret-{serial},Bench camera"]);
        await server.RunCliAsync("registry", "import", registry);
        File.Delete(registry);

        using var client = server.CreateClient(1);
        using var bind = new HttpRequestMessage(HttpMethod.Post, "/api/cameras/bind") { Content = JsonContent.Create(new { serialNumber = serial, secret = "secret-" + serial }) };
        bind.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var bound = await client.SendAsync(bind);
        var body = await bound.Content.ReadAsStringAsync();
        if (!bound.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"bind: {(int)bound.StatusCode} {body}");
        }

        var bundle = Path.Combine(server.DataDirectory, "..", $"{Path.GetFileName(server.DataDirectory)}-claim");
        await server.RunCliAsync("claim", "create", "--out", bundle);
        using var claim = X509Certificate2.CreateFromPemFile(Path.Combine(bundle, "claim.cert.pem"), Path.Combine(bundle, "claim.private.key"));
        var camera = new SimulatedCamera(serial);
        camera.Prepare();
        await camera.ProvisionAsync("127.0.0.1", server.MqttPort, server.Root, claim, "VigilCameraTemplate", CancellationToken.None);
        Directory.Delete(bundle, recursive: true);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }
}
