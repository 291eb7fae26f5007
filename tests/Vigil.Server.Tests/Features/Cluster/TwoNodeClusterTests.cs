using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Vigil.Server.Tests.Features.Signaling;
using Vigil.Server.Tests.Support;
using Vigil.SigV4;

namespace Vigil.Server.Tests.Features.Cluster;

/// <summary>
/// The operator's path, end to end: PostgreSQL, Redis and two <c>vigil serve</c> processes with their own ports and
/// data directories, node 2 given node 1's keys by <c>vigil cluster export-keys</c>/<c>import-keys</c>. The KVS WebRTC
/// JS SDK's SignalingClient (tests/compat, pinned) is the master on node 1 and the viewer on node 2.
/// </summary>
public sealed class TwoNodeClusterTests
{
    private const string Passphrase = "two nodes, one cluster";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_serve_processes_act_as_one_signaling_service()
    {
        await using var postgres = await PostgresDatabase.CreateAsync(Ct);
        using var files = new TempDirectory("two-nodes");
        var (data1, data2) = (Path.Combine(files.Path, "node1"), Path.Combine(files.Path, "node2"));
        var settings = new Dictionary<string, string?>
        {
            ["VIGIL__Storage__Provider"] = "Postgres",
            ["VIGIL__Storage__ConnectionString"] = postgres.ConnectionString,
            ["VIGIL__Cluster__Redis"] = Requirements.Redis(),
            ["VIGIL__Server__PublicHost"] = "localhost",
        };
        await RunAsync(data1, ["user", "add", "admin@example.com"], settings);
        var key = JsonDocument.Parse(await RunAsync(data1, ["keys", "create", "--user", "admin@example.com", "--json"], settings)).RootElement.GetProperty("AccessKey");
        var admin = new SigV4Credentials(key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
        using var root = X509Certificate2.CreateFromPem(await RunAsync(data1, ["ca", "export"], settings));
        await RunAsync(data1, ["cluster", "export-keys", "--out", files.File("cluster.keys")], settings, Passphrase + "\n");
        await RunAsync(data2, ["cluster", "import-keys", files.File("cluster.keys")], null, Passphrase + "\n");

        var ports = Enumerable.Range(0, 4).Select(_ => VigilExecutable.FreePort()).ToArray();
        var log = new StringBuilder();
        using var node1 = VigilExecutable.StartServer(data1, ports[0], ports[1], settings, line => Append(log, "node1", line));
        using var node2 = VigilExecutable.StartServer(data2, ports[2], ports[3], settings, line => Append(log, "node2", line));
        try
        {
            await VigilExecutable.WaitUntilReadyAsync(ports[0], node1, TimeSpan.FromSeconds(120), Ct);
            await VigilExecutable.WaitUntilReadyAsync(ports[2], node2, TimeSpan.FromSeconds(120), Ct);
            var channel = $"two-nodes-{Guid.NewGuid():N}";
            var arn = await CreateChannelAsync(root, ports[1], admin, channel);

            // 1. The SDK's master on node 1 and its viewer on node 2: offer, answer and candidates both ways.
            var sdk = await RunSdkAsync(root, channel, admin, master: ports[1], viewer: ports[3]);
            Assert.All(sdk.EnumerateObject(), p => Assert.True(p.Value.GetString() == "ok", $"{p.Name}: {p.Value}"));
            Assert.Equal(6, sdk.EnumerateObject().Count());

            // 2. A second master on node 2 replaces the first, on node 1.
            await using var first = await SignalingTestSocket.ConnectAsync(root, SignalingTestSocket.PresignedUrl(ports[1], admin, arn, null), Ct);
            await using var second = await SignalingTestSocket.ConnectAsync(root, SignalingTestSocket.PresignedUrl(ports[3], admin, arn, null), Ct);
            var (status, reason, _) = await first.ReceiveCloseAsync(Ct);
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
            Assert.Equal("replaced by a newer connection", reason);

            // 3. Ten viewers spread over both nodes; the 11th is refused on either.
            var viewers = new List<SignalingTestSocket>();
            try
            {
                for (var i = 0; i < 10; i++)
                {
                    viewers.Add(await SignalingTestSocket.ConnectAsync(root, SignalingTestSocket.PresignedUrl(ports[i % 2 == 0 ? 1 : 3], admin, arn, $"viewer-{i}"), Ct));
                }

                Assert.Equal((HttpStatusCode.BadRequest, "ClientLimitExceededException"), await SignalingTestSocket.RefusedAsync(root, SignalingTestSocket.PresignedUrl(ports[1], admin, arn, "viewer-10"), Ct));
                Assert.Equal((HttpStatusCode.BadRequest, "ClientLimitExceededException"), await SignalingTestSocket.RefusedAsync(root, SignalingTestSocket.PresignedUrl(ports[3], admin, arn, "viewer-11"), Ct));

                // ...and an offer from a viewer on node 1 reaches the master that replaced the first, on node 2.
                await viewers[0].SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Offer}}"}""", Ct);
                Assert.Equal("viewer-0", (await second.ReceiveAsync(Ct)).GetProperty("senderClientId").GetString());
            }
            finally
            {
                foreach (var viewer in viewers)
                {
                    await viewer.DisposeAsync();
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{e.Message}\nserver output:\n{log}", e);
        }
        finally
        {
            Stop(node1);
            Stop(node2);
        }
    }

    private static async Task<string> RunAsync(string data, string[] arguments, Dictionary<string, string?>? settings, string? input = null)
    {
        var result = await VigilExecutable.RunAsync(data, arguments, settings, input, Ct);
        Assert.True(result.ExitCode == 0, $"vigil {string.Join(' ', arguments)}: {result.StandardError}");
        return result.StandardOutput;
    }

    private static async Task<string> CreateChannelAsync(X509Certificate2 root, int httpsPort, SigV4Credentials credentials, string name)
    {
        using var http = new HttpClient(new SigV4SigningHandler(credentials, "us-east-1", "kinesisvideo", TimeProvider.System) { InnerHandler = VigilTrust.Handler(root) })
        {
            BaseAddress = new Uri($"https://localhost:{httpsPort}"),
        };
        using var content = new StringContent($$"""{"ChannelName":"{{name}}"}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/createSignalingChannel", content, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("ChannelARN").GetString()!;
    }

    private static async Task<JsonElement> RunSdkAsync(X509Certificate2 root, string channel, SigV4Credentials credentials, int master, int viewer)
    {
        using var files = new TempDirectory("compat");
        var ca = files.File("root-ca.pem");
        await File.WriteAllTextAsync(ca, root.ExportCertificatePem(), Ct);
        var json = new { accessKeyId = credentials.AccessKeyId, secretAccessKey = credentials.SecretAccessKey };
        return await CompatClients.RunAsync("signaling.mjs", new
        {
            masterEndpoint = $"https://localhost:{master}",
            viewerEndpoint = $"https://localhost:{viewer}",
            region = "us-east-1",
            channelName = channel,
            master = json,
            viewer = json,
        }, ca, Ct);
    }

    private static void Append(StringBuilder log, string node, string line)
    {
        lock (log)
        {
            log.Append(node).Append(": ").AppendLine(line);
        }
    }

    private static void Stop(Process server)
    {
        if (!server.HasExited)
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(TimeSpan.FromSeconds(30));
        }
    }
}
