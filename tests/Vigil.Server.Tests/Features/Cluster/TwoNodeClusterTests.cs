using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Vigil.Server.Tests.Features.Signaling;
using Vigil.SigV4;
using Vigil.TestSupport;

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
        await RunAsync(data1, ["user", "add", "admin@example.com", "--admin"], settings);
        var key = JsonDocument.Parse(await RunAsync(data1, ["keys", "create", "--user", "admin@example.com", "--json"], settings)).RootElement.GetProperty("AccessKey");
        var admin = new SigV4Credentials(key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
        using var root = X509Certificate2.CreateFromPem(await RunAsync(data1, ["ca", "export"], settings));
        await RunAsync(data1, ["cluster", "export-keys", "--out", files.File("cluster.keys")], settings, Passphrase + "\n");
        await RunAsync(data2, ["cluster", "import-keys", files.File("cluster.keys")], null, Passphrase + "\n");

        // Ports: node 1 HTTP/HTTPS, node 2 HTTP/HTTPS, the load balancer's HTTPS.
        var ports = Enumerable.Range(0, 5).Select(_ => VigilExecutable.FreePort()).ToArray();
        // Behind the balancer, GetSignalingChannelEndpoint must send SDKs to it, not to one node.
        settings["VIGIL__Signaling__PublicBaseUrl"] = $"https://localhost:{ports[4]}";
        var log = new StringBuilder();
        using var node1 = VigilExecutable.StartServer(data1, ports[0], ports[1], settings, line => Append(log, "node1", line));
        using var node2 = VigilExecutable.StartServer(data2, ports[2], ports[3], settings, line => Append(log, "node2", line));
        using var balancer = StartHaproxy(files, ports, line => Append(log, "haproxy", line));
        try
        {
            await VigilExecutable.WaitUntilReadyAsync(ports[0], node1, TimeSpan.FromSeconds(120), Ct);
            await VigilExecutable.WaitUntilReadyAsync(ports[2], node2, TimeSpan.FromSeconds(120), Ct);
            var channel = $"two-nodes-{Guid.NewGuid():N}";
            var arn = await CreateChannelAsync(root, ports[1], admin, channel);

            // 1. The SDK's master on node 1 and its viewer on node 2: offer, answer and candidates both ways.
            var sdk = await RunSdkAsync(root, channel, admin, new
            {
                masterEndpoint = $"https://localhost:{ports[1]}",
                viewerEndpoint = $"https://localhost:{ports[3]}",
                masterWss = $"wss://localhost:{ports[1]}/signaling/master",
                viewerWss = $"wss://localhost:{ports[3]}/signaling/viewer",
            });
            Assert.All(sdk.EnumerateObject(), p => Assert.True(p.Value.GetString() == "ok", $"{p.Name}: {p.Value}"));
            Assert.Equal(6, sdk.EnumerateObject().Count());

            // ...and the same through HAProxy with deploy/cluster/haproxy.cfg's settings (health checks on /readyz),
            // every call and socket of the SDK through the balancer.
            using (var viaBalancer = RunningVigil.CreateClient(root, new Uri($"https://localhost:{ports[4]}")))
            {
                // Both nodes pass HAProxy's health checks (rise 2, every 2 s) soon after they are ready.
                await Eventually.WaitAsync(
                    async () =>
                    {
                        try
                        {
                            using var ready = await viaBalancer.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
                            return ready.IsSuccessStatusCode;
                        }
                        catch (HttpRequestException)
                        {
                            return false;
                        }
                    },
                    TimeSpan.FromSeconds(30),
                    "HAProxy passes requests to the nodes",
                    Ct);
            }

            var throughBalancer = await RunSdkAsync(root, channel, admin, new { endpoint = $"https://localhost:{ports[4]}" });
            Assert.All(throughBalancer.EnumerateObject(), p => Assert.True(p.Value.GetString() == "ok", $"through HAProxy, {p.Name}: {p.Value}"));

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
            Stop(balancer);
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

    private static async Task<JsonElement> RunSdkAsync(X509Certificate2 root, string channel, SigV4Credentials credentials, object endpoints)
    {
        using var files = new TempDirectory("compat");
        var ca = files.File("root-ca.pem");
        await File.WriteAllTextAsync(ca, root.ExportCertificatePem(), Ct);
        var json = new { accessKeyId = credentials.AccessKeyId, secretAccessKey = credentials.SecretAccessKey };
        var configuration = JsonSerializer.SerializeToNode(endpoints)!.AsObject();
        configuration["region"] = "us-east-1";
        configuration["channelName"] = channel;
        configuration["master"] = JsonSerializer.SerializeToNode(json);
        configuration["viewer"] = JsonSerializer.SerializeToNode(json);
        return await CompatClients.RunAsync("signaling.mjs", configuration, ca, Ct);
    }

    /// <summary>
    /// HAProxy with the global and default settings of deploy/cluster/haproxy.cfg (TCP passthrough, /readyz checks,
    /// timeouts) and its HTTPS section pointed at the two nodes on loopback.
    /// </summary>
    private static Process StartHaproxy(TempDirectory files, int[] ports, Action<string> output)
    {
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repository.FullName, "Vigil.slnx")))
        {
            repository = repository.Parent ?? throw new InvalidOperationException("the repository root (Vigil.slnx) is not above the test binaries");
        }

        var shipped = File.ReadAllText(Path.Combine(repository.FullName, "deploy", "cluster", "haproxy.cfg"));
        // The test's process may not raise its file limit to what 50,000 connections need.
        var defaults = shipped[..shipped.IndexOf("# HTTPS and WSS", StringComparison.Ordinal)].Replace("maxconn 50000", "maxconn 2000", StringComparison.Ordinal);
        var config = defaults + $"""
            frontend https
                bind 127.0.0.1:{ports[4]}
                default_backend nodes_https

            backend nodes_https
                balance roundrobin
                server node1 127.0.0.1:{ports[1]} port {ports[0]}
                server node2 127.0.0.1:{ports[3]} port {ports[2]}

            """;
        File.WriteAllText(files.File("haproxy.cfg"), config);
        var start = new ProcessStartInfo(RequiredTool.Find("haproxy", "haproxy")) { ArgumentList = { "-db", "-f", files.File("haproxy.cfg") }, RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => output(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
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
