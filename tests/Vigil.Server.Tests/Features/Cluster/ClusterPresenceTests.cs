using Microsoft.EntityFrameworkCore;
using MQTTnet;
using StackExchange.Redis;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Devices;
using Vigil.Server.Storage;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Cluster;

/// <summary>
/// Presence (a camera online or offline) with two nodes in cluster mode: a device that moves to the other node stays
/// online, and the things of a node that died are marked offline by the node that survives. Needs Redis.
/// </summary>
public sealed class ClusterPresenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_device_that_moved_to_node_2_stays_online_when_node_1_drops_its_old_connection()
    {
        await using var nodes = await ClusterNodes.StartAsync(Ct);
        var serial = $"MOVE-{Guid.NewGuid():N}"[..16];
        await DeviceClients.ImportAsync(nodes.Node1, serial);
        using var claim = await DeviceClients.NewClaimAsync(nodes.Node1, cancellationToken: Ct);
        using var certificate = await DeviceClients.ProvisionAsync(nodes.Node1, claim, serial, cancellationToken: Ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Requirements.Redis());

        using var old = await DeviceClients.ConnectAsync(nodes.Node1, certificate, serial, cancellationToken: Ct);
        var first = await Eventually.WaitAsync(async () => await ThingAsync(nodes.Node1, serial) is { Online: true } t ? t : null, TimeSpan.FromSeconds(10), "node 1 marks the thing online", Ct);
        // Node 1 has not noticed yet that the device went away (a half-open connection) when it connects to node 2.
        using var moved = await DeviceClients.ConnectAsync(nodes.Node2, certificate, serial, cancellationToken: Ct);
        await Eventually.WaitAsync(async () => (await ThingAsync(nodes.Node2, serial))!.PresenceVersion > first.PresenceVersion, TimeSpan.FromSeconds(10), "node 2 records the newer connection", Ct);
        await Eventually.WaitAsync(async () => await redis.GetDatabase().HashExistsAsync(PresenceKey(nodes.Node2), serial), TimeSpan.FromSeconds(10), "node 2 lists the connection in Redis", Ct);

        await old.DisconnectAsync(cancellationToken: Ct);
        // Node 1 processed the disconnect once its own entry in Redis is gone (it writes the database first).
        await Eventually.WaitAsync(async () => !await redis.GetDatabase().HashExistsAsync(PresenceKey(nodes.Node1), serial), TimeSpan.FromSeconds(10), "node 1 processes the old connection's disconnect", Ct);

        var thing = await ThingAsync(nodes.Node1, serial);
        Assert.True(thing!.Online, "the thing connected to node 2 was marked offline by node 1");
        Assert.True(moved.IsConnected);
    }

    [Fact]
    public async Task The_things_of_a_node_that_died_are_marked_offline_by_the_surviving_node_unless_they_reconnected()
    {
        await using var nodes = await ClusterNodes.StartAsync(Ct);
        var (stranded, returned) = ($"DEAD-{Guid.NewGuid():N}"[..16], $"BACK-{Guid.NewGuid():N}"[..16]);
        await DeviceClients.ImportAsync(nodes.Node1, stranded, returned);
        using var claim = await DeviceClients.NewClaimAsync(nodes.Node1, cancellationToken: Ct);
        using var strandedCertificate = await DeviceClients.ProvisionAsync(nodes.Node1, claim, stranded, cancellationToken: Ct);
        using var returnedCertificate = await DeviceClients.ProvisionAsync(nodes.Node1, claim, returned, cancellationToken: Ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Requirements.Redis());
        var db = redis.GetDatabase();

        // A node that died without a word (SIGKILL, power): both things were connected to it; its liveness key is
        // gone, its presence entries are left in Redis. Recorded as that node would have recorded them.
        var dead = $"dead{Guid.NewGuid():N}"[..16];
        long strandedVersion, returnedVersion;
        await using (var scope = nodes.Node1.App.Services.CreateAsyncScope())
        {
            var things = scope.ServiceProvider.GetRequiredService<ThingRegistry>();
            strandedVersion = await things.MarkConnectedAsync(stranded, TimeProvider.System.GetUtcNow(), Ct);
            returnedVersion = await things.MarkConnectedAsync(returned, TimeProvider.System.GetUtcNow(), Ct);
        }

        var prefix = Prefix(nodes.Node1);
        await db.HashSetAsync($"{prefix}{dead}", [new HashEntry(stranded, strandedVersion), new HashEntry(returned, returnedVersion)]);
        // One camera reconnected to node 2 before the dead node was noticed.
        using var reconnected = await DeviceClients.ConnectAsync(nodes.Node2, returnedCertificate, returned, cancellationToken: Ct);
        await Eventually.WaitAsync(async () => (await ThingAsync(nodes.Node2, returned))!.PresenceVersion > returnedVersion, TimeSpan.FromSeconds(10), "node 2 records the reconnection", Ct);
        await db.SetAddAsync($"{prefix}nodes", dead);

        await Eventually.WaitAsync(async () => await ThingAsync(nodes.Node2, stranded) is { Online: false }, TimeSpan.FromSeconds(15), "a surviving node marks the dead node's thing offline", Ct);

        Assert.True((await ThingAsync(nodes.Node2, returned))!.Online, "the thing that reconnected to node 2 was marked offline");
        Assert.False(await db.KeyExistsAsync($"{prefix}{dead}"));
        Assert.False(await db.SetContainsAsync($"{prefix}nodes", dead));
    }

    /// <summary>The cluster's presence keys begin with this (its <see cref="ClusterScope"/>: clusters sharing a Redis keep apart).</summary>
    private static string Prefix(RunningVigil node) => $"vigil:presence:{node.App.Services.GetRequiredService<ClusterScope>().Value}:";

    private static string PresenceKey(RunningVigil node) => Prefix(node) + node.App.Services.GetRequiredService<ClusterRedis>().NodeId;

    private static async Task<Thing?> ThingAsync(RunningVigil node, string name)
    {
        await using var scope = node.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Things.AsNoTracking().SingleOrDefaultAsync(t => t.Name == name, Ct);
    }
}
