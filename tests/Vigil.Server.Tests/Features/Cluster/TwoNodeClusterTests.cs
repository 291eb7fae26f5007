using System.Diagnostics;
using System.Globalization;
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
/// JS SDK's SignalingClient (tests/compat, pinned) is the master on node 1 and the viewer on node 2; and the fail-over
/// when node 1 is killed with cameras and masters connected through HAProxy.
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
        await using var balancer = await Haproxy.StartAsync(files, ClusterHaproxyConfiguration(Balance("https", ports[4], "roundrobin", (ports[1], ports[0]), (ports[3], ports[2]))), [ports[4]], Ct);
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
            throw new InvalidOperationException($"{e.Message}\nserver output:\n{log}\nhaproxy:\n{balancer.Output}", e);
        }
        finally
        {
            Stop(node1);
            Stop(node2);
        }
    }

    /// <summary>
    /// Issue 18's fail-over: node 1 is killed (SIGKILL) while 100 simulated cameras (MQTT) and 50 signaling masters are
    /// connected through HAProxy; every one comes back on node 2 and shows online within 10 s, a new viewer reaches a
    /// master, and the masters' session tokens (issued by node 1's credentials provider) are accepted by node 2. A camera
    /// connected to node 1 directly, which cannot come back, is marked offline by node 2 once node 1's liveness expires.
    /// </summary>
    [Fact]
    [Trait(TestSchedule.Trait, TestSchedule.Alone)]
    public async Task When_node_1_is_killed_its_cameras_and_masters_come_back_on_node_2_within_ten_seconds()
    {
        const int Cameras = 100, Masters = 50;
        await using var postgres = await PostgresDatabase.CreateAsync(Ct);
        using var files = new TempDirectory("fail-over");
        var (data1, data2) = (Path.Combine(files.Path, "node1"), Path.Combine(files.Path, "node2"));
        var serials = Enumerable.Range(0, Cameras + 1).Select(i => $"FAIL-{i:D4}").ToList();
        var stranded = serials[^1];
        var settings = new Dictionary<string, string?>
        {
            ["VIGIL__Storage__Provider"] = "Postgres",
            ["VIGIL__Storage__ConnectionString"] = postgres.ConnectionString,
            ["VIGIL__Cluster__Redis"] = Requirements.Redis(),
            ["VIGIL__Server__PublicHost"] = "localhost",
            // Every camera provisions from one claim and one address here.
            ["VIGIL__Provisioning__CertificateRequestsPerClaimPerMinute"] = "1000",
            ["VIGIL__Provisioning__CertificateRequestsPerAddressPerMinute"] = "1000",
        };
        await RunAsync(data1, ["user", "add", "admin@example.com", "--admin"], settings);
        var key = JsonDocument.Parse(await RunAsync(data1, ["keys", "create", "--user", "admin@example.com", "--json"], settings)).RootElement.GetProperty("AccessKey");
        var admin = new SigV4Credentials(key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
        using var root = X509Certificate2.CreateFromPem(await RunAsync(data1, ["ca", "export"], settings));
        await File.WriteAllLinesAsync(files.File("devices.csv"), ["serial,secret,model", .. serials.Select(s => $"{s},secret-{s},Test camera")], Ct);
        await RunAsync(data1, ["registry", "import", files.File("devices.csv")], settings);
        await RunAsync(data1, ["claim", "create", "--out", files.File("claim")], settings);
        using var claim = X509Certificate2.CreateFromPemFile(files.File("claim/claim.cert.pem"), files.File("claim/claim.private.key"));
        await RunAsync(data1, ["cluster", "export-keys", "--out", files.File("cluster.keys")], settings, Passphrase + "\n");
        await RunAsync(data2, ["cluster", "import-keys", files.File("cluster.keys")], null, Passphrase + "\n");

        // Per node: HTTP, HTTPS, MQTT, credentials provider; then the balancer's HTTPS and MQTT.
        var ports = Enumerable.Range(0, 10).Select(_ => VigilExecutable.FreePort()).ToArray();
        var (node1Ports, node2Ports) = (ports[0..4], ports[4..8]);
        var (balancedHttps, balancedMqtt) = (ports[8], ports[9]);
        var log = new StringBuilder();
        Dictionary<string, string?> NodeSettings(int[] p) => new(settings)
        {
            ["VIGIL__Provisioning__MqttPort"] = p[2].ToString(CultureInfo.InvariantCulture),
            ["VIGIL__CredentialsProvider__Port"] = p[3].ToString(CultureInfo.InvariantCulture),
        };
        using var node1 = VigilExecutable.StartServer(data1, node1Ports[0], node1Ports[1], NodeSettings(node1Ports), line => Append(log, "node1", line));
        using var node2 = VigilExecutable.StartServer(data2, node2Ports[0], node2Ports[1], NodeSettings(node2Ports), line => Append(log, "node2", line));
        await using var balancer = await Haproxy.StartAsync(
            files,
            ClusterHaproxyConfiguration(
                Balance("https", balancedHttps, "leastconn", (node1Ports[1], node1Ports[0]), (node2Ports[1], node2Ports[0]))
                + Balance("mqtt", balancedMqtt, "leastconn", (node1Ports[2], node1Ports[0]), (node2Ports[2], node2Ports[0]))),
            [balancedHttps, balancedMqtt],
            Ct);
        var devices = new List<ReconnectingDevice>();
        var masters = new List<ReconnectingMaster>();
        try
        {
            await VigilExecutable.WaitUntilReadyAsync(node1Ports[0], node1, TimeSpan.FromSeconds(120), Ct);
            await VigilExecutable.WaitUntilReadyAsync(node2Ports[0], node2, TimeSpan.FromSeconds(120), Ct);
            var node1Id = NodeId(log, "node1");

            // Provisioning (on node 1) creates each camera's thing and its signaling channel, named after it.
            var certificates = new X509Certificate2[serials.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, serials.Count),
                new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct },
                async (i, ct) => certificates[i] = await DeviceClients.ProvisionAsync(root, node1Ports[2], claim, serials[i], cancellationToken: ct));
            // The masters' credentials come from node 1's credentials provider, as a camera agent gets them.
            var credentials = new SigV4Credentials[Masters];
            for (var i = 0; i < Masters; i++)
            {
                credentials[i] = await ThingCredentialsAsync(root, node1Ports[3], certificates[i], serials[i]);
            }

            var arns = new string[Masters];
            for (var i = 0; i < Masters; i++)
            {
                arns[i] = await DescribeChannelArnAsync(root, node1Ports[1], credentials[i], serials[i]);
            }

            await WaitForBalancerAsync(root, balancedHttps);
            devices.AddRange(Enumerable.Range(0, Cameras).Select(i => new ReconnectingDevice(root, balancedMqtt, certificates[i], serials[i])));
            masters.AddRange(Enumerable.Range(0, Masters).Select(i => new ReconnectingMaster(root, balancedHttps, credentials[i], arns[i])));
            // The one that cannot come back: connected to node 1 itself, not through the balancer.
            using var direct = await DeviceClients.ConnectAsync(DeviceClients.Options(root, node1Ports[2], certificates[^1], stranded), Ct);
            await Eventually.WaitAsync(
                async () => devices.All(d => d.IsConnected) && masters.All(m => m.IsConnected) && (await PresenceAsync(postgres)).Count(t => t.Value.Online) == Cameras + 1,
                TimeSpan.FromSeconds(60),
                "every camera and master is connected and every camera online",
                Ct);
            var before = await PresenceAsync(postgres);
            // Who is on node 1, as the cluster records it in Redis: these must come back on node 2.
            var (camerasOnNode1, mastersOnNode1) = await OnNodeAsync(Vigil.Server.Features.Pki.Fingerprint.Of(root)[..16], node1Id, masters.Select(m => m.Arn));
            var movingCameras = devices.Where(d => camerasOnNode1.Contains(d.ClientId)).ToList();
            var movingMasters = masters.Where(m => mastersOnNode1.Contains(m.Arn)).ToList();
            Assert.True(movingCameras.Count > 1 && movingMasters.Count > 1, $"{movingCameras.Count} camera(s) and {movingMasters.Count} master(s) on node 1 before it was killed: the balancer did not spread them");

            node1.Kill();
            var killed = Stopwatch.StartNew();
            await Eventually.WaitAsync(
                async () =>
                {
                    if (!devices.All(d => d.IsConnected) || !masters.All(m => m.IsConnected)
                        || !movingCameras.All(d => d.Connections > 1) || !movingMasters.All(m => m.Connections > 1))
                    {
                        return false;
                    }

                    var now = await PresenceAsync(postgres);
                    // Online, and each camera that came back is recorded by node 2 (its presence version moved on).
                    return devices.All(d => now[d.ClientId].Online) && movingCameras.All(d => now[d.ClientId].Version > before[d.ClientId].Version);
                },
                TimeSpan.FromSeconds(10),
                "every camera and master reconnects to node 2 and every camera shows online within 10 s of the kill",
                Ct);
            var recovered = killed.Elapsed;

            // A new viewer, through the balancer (so on node 2), reaches a master that moved; it signs with the admin key.
            var master = movingMasters[0];
            await using (var viewer = await SignalingTestSocket.ConnectAsync(root, SignalingTestSocket.PresignedUrl(balancedHttps, admin, master.Arn, "after-fail-over"), Ct))
            {
                await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Offer}}"}""", Ct);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                wait.CancelAfter(TimeSpan.FromSeconds(10));
                var offer = JsonDocument.Parse(await master.Received.ReadAsync(wait.Token)).RootElement;
                Assert.Equal("after-fail-over", offer.GetProperty("senderClientId").GetString());
            }

            // A session token made by node 1 is accepted by node 2 for the control plane too.
            Assert.Equal(masters[0].Arn, await DescribeChannelArnAsync(root, node2Ports[1], credentials[0], serials[0]));
            // The camera that could not come back is marked offline by node 2: node 1's liveness key expires (15 s),
            // then the next sweep (5 s) takes its entries.
            await Eventually.WaitAsync(async () => !(await PresenceAsync(postgres))[stranded].Online, TimeSpan.FromSeconds(30), "node 2 marks the dead node's stranded camera offline", Ct);
            TestContext.Current.TestOutputHelper?.WriteLine($"fail-over: {movingCameras.Count} cameras and {movingMasters.Count} masters on node 1 all back on node 2 in {recovered.TotalSeconds:0.0} s; stranded camera offline {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{e.Message}\nserver output:\n{log}\nhaproxy:\n{balancer.Output}", e);
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }

            foreach (var master in masters)
            {
                await master.DisposeAsync();
            }

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

    private static async Task<Dictionary<string, (bool Online, long Version)>> PresenceAsync(PostgresDatabase postgres)
    {
        await using var connection = new Npgsql.NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("""SELECT "Name", "Online", "PresenceVersion" FROM "Things" """, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var things = new Dictionary<string, (bool, long)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(Ct))
        {
            things[reader.GetString(0)] = (reader.GetBoolean(1), reader.GetInt64(2));
        }

        return things;
    }

    /// <summary>
    /// The things whose MQTT connections the node holds (RedisPresenceDirectory) and the channels whose master is
    /// connected to it (RedisSignalingBackplane's directory), as Redis records them.
    /// </summary>
    private static async Task<(HashSet<string> Things, HashSet<string> MasterArns)> OnNodeAsync(string clusterScope, string nodeId, IEnumerable<string> arns)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Requirements.Redis());
        var db = redis.GetDatabase();
        var things = (await db.HashKeysAsync($"vigil:presence:{clusterScope}:{nodeId}")).Select(k => k.ToString()).ToHashSet(StringComparer.Ordinal);
        var masters = new HashSet<string>(StringComparer.Ordinal);
        foreach (var arn in arns)
        {
            if (((string?)await db.HashGetAsync($"vigil:sig:{arn}", ":master"))?.StartsWith(nodeId + "|", StringComparison.Ordinal) == true)
            {
                masters.Add(arn);
            }
        }

        return (things, masters);
    }

    private static string NodeId(StringBuilder log, string node)
    {
        lock (log)
        {
            var match = System.Text.RegularExpressions.Regex.Match(log.ToString(), node + @": .*?as node ([0-9a-f]{16})");
            return match.Success ? match.Groups[1].Value : throw new InvalidOperationException($"{node} did not log its node id");
        }
    }

    private static async Task<SigV4Credentials> ThingCredentialsAsync(X509Certificate2 root, int port, X509Certificate2 certificate, string thing)
    {
        using var http = new HttpClient(VigilTrust.Handler(root, certificate)) { BaseAddress = new Uri($"https://localhost:{port}") };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/role-aliases/VigilCameraRoleAlias/credentials");
        request.Headers.Add("x-amzn-iot-thingname", thing);
        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"credentials for {thing}: {(int)response.StatusCode} {body}");
        var credentials = JsonDocument.Parse(body).RootElement.GetProperty("credentials");
        return new SigV4Credentials(credentials.GetProperty("accessKeyId").GetString()!, credentials.GetProperty("secretAccessKey").GetString()!, credentials.GetProperty("sessionToken").GetString());
    }

    private static async Task<string> DescribeChannelArnAsync(X509Certificate2 root, int httpsPort, SigV4Credentials credentials, string name)
    {
        using var http = new HttpClient(new SigV4SigningHandler(credentials, "us-east-1", "kinesisvideo", TimeProvider.System) { InnerHandler = VigilTrust.Handler(root) })
        {
            BaseAddress = new Uri($"https://localhost:{httpsPort}"),
        };
        using var content = new StringContent($$"""{"ChannelName":"{{name}}"}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/describeSignalingChannel", content, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"describe {name} on port {httpsPort}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("ChannelInfo").GetProperty("ChannelARN").GetString()!;
    }

    /// <summary>Both nodes pass HAProxy's health checks (rise 2, every 2 s) soon after they are ready.</summary>
    private static Task WaitForBalancerAsync(X509Certificate2 root, int httpsPort) =>
        Eventually.WaitAsync(
            async () =>
            {
                using var viaBalancer = RunningVigil.CreateClient(root, new Uri($"https://localhost:{httpsPort}"));
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
    /// The global and default settings of deploy/cluster/haproxy.cfg (TCP passthrough, /readyz checks, timeouts) with the
    /// given frontends (<see cref="Balance"/>) pointed at the nodes on loopback.
    /// </summary>
    private static string ClusterHaproxyConfiguration(string sections)
    {
        var shipped = File.ReadAllText(Path.Combine(VigilBinaries.RepositoryRoot(), "deploy", "cluster", "haproxy.cfg"));
        // The test's process may not raise its file limit to what 50,000 connections need.
        return shipped[..shipped.IndexOf("# HTTPS and WSS", StringComparison.Ordinal)].Replace("maxconn 50000", "maxconn 2000", StringComparison.Ordinal) + sections;
    }

    /// <summary>A frontend on 127.0.0.1:<paramref name="port"/> and its backend: each node's port, checked on its HTTP port.</summary>
    private static string Balance(string name, int port, string balance, params (int Port, int HttpPort)[] nodes) =>
        $"""
        frontend {name}
            bind 127.0.0.1:{port}
            default_backend nodes_{name}

        backend nodes_{name}
            balance {balance}
        {string.Concat(nodes.Select((n, i) => $"    server node{i + 1} 127.0.0.1:{n.Port} port {n.HttpPort}\n"))}

        """;

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
