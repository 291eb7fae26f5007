using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Features.Identity;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Cluster;

/// <summary>
/// The cluster's Data Protection key ring lives in PostgreSQL, sealed: a key one node makes when the ring rotates is
/// the other nodes' too, and what is protected with it reads everywhere; the table holds no key in clear.
/// </summary>
public sealed class ClusterKeyRingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_node_1_makes_at_rotation_protects_what_node_2_reads_and_the_database_holds_no_key_in_clear()
    {
        await using var nodes = await ClusterNodes.StartAsync(Ct);
        var keys1 = nodes.Node1.App.Services.GetRequiredService<IKeyManager>();
        var keys2 = nodes.Node2.App.Services.GetRequiredService<IKeyManager>();
        var before = keys2.GetAllKeys().Select(k => k.KeyId).ToHashSet();

        // What rotation does (two days before the default key expires): a new key. Data Protection uses a new key only
        // once it is older than its propagation window (2 days) — the time every node has to read it; here the old keys
        // are also revoked on node 1, so that it protects with a key made now (the new one, or one it makes at once
        // because the new one is not propagated yet), which node 2 has never read.
        var now = TimeProvider.System.GetUtcNow();
        var rotated = keys1.CreateNewKey(now.AddSeconds(-1), now.AddDays(90));
        keys1.RevokeAllKeys(now.AddSeconds(-2), "rotated in a test");
        // Node 1 reads its changed ring in the background (it goes on with the cached one meanwhile).
        var protector = nodes.Node1.App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("vigil/test");
        var payload = await Eventually.WaitAsync(
            () => Task.FromResult<byte[]?>(protector.Protect("a session token"u8.ToArray()) is var p && !before.Contains(new Guid(p.AsSpan(4, 16))) ? p : null),
            TimeSpan.FromSeconds(30),
            "node 1 protecting with a key made after the rotation",
            Ct,
            TimeSpan.FromMilliseconds(200));
        var read = nodes.Node2.App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("vigil/test").Unprotect(payload);
        var rows = await nodes.Node1.InScopeAsync(sp => sp.GetRequiredService<VigilDbContext>().KeyRing.AsNoTracking().ToListAsync(Ct));

        Assert.DoesNotContain(rotated.KeyId, before);
        Assert.Contains(rotated.KeyId, keys2.GetAllKeys().Select(k => k.KeyId));
        // The payload names its key (bytes 4-19, after the magic header): one made after node 2 had read the ring.
        Assert.DoesNotContain(new Guid(payload.AsSpan(4, 16)), before);
        Assert.Contains(new Guid(payload.AsSpan(4, 16)), keys2.GetAllKeys().Select(k => k.KeyId));
        Assert.Equal("a session token", Encoding.UTF8.GetString(read));
        Assert.Equal(keys1.GetAllKeys().Count, rows.Count(r => r.Name.StartsWith("key-", StringComparison.Ordinal)));
        Assert.Contains(rows, r => r.Name.StartsWith("revocation-", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Name == $"key-{rotated.KeyId:D}");
        Assert.All(rows, r =>
        {
            var stored = Convert.FromBase64String(r.Sealed);
            Assert.Equal(-1, stored.AsSpan().IndexOf("masterKey"u8));
            Assert.Equal(-1, stored.AsSpan().IndexOf("<key"u8));
        });
    }
}
