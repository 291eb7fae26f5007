using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Vigil.TestSupport;

/// <summary>
/// A Linux network namespace joined to the host by a veth pair, for tests that need a "remote" network
/// peer on the same machine (Chromium gathers no ICE candidates on a loopback-only host).
/// </summary>
/// <remarks>
/// <para>Addresses come from 198.18.0.0/15 (RFC 2544 benchmarking space): the host end gets
/// <c>198.18.N.1/24</c>, the namespace end <c>198.18.N.2/24</c> with a default route via the host end, where N
/// is free on this machine. Nothing is routed beyond the pair, so no traffic leaves the machine.</para>
/// <para>Names embed the creating process id (<c>vigil-&lt;pid&gt;-&lt;n&gt;</c>); <see cref="CreateAsync"/> first deletes
/// namespaces whose creator is gone, so a crashed run leaves nothing behind for long. Needs root (CAP_NET_ADMIN)
/// and <c>iproute2</c>; <see cref="AddUdpLossAsync"/> also needs <c>nftables</c>.</para>
/// <para>Under <c>./test.sh</c> the namespaces come from a pool made before any test starts
/// (<c>VIGIL_NETNS_POOL</c>, see <c>scripts/test-env/20-media.sh</c>): adding or removing a veth address on the
/// host is a network change to every Chromium running on the host, which then fails the page it is loading with
/// <c>net::ERR_NETWORK_CHANGED</c> — a sign-in test beside a WebRTC test lost its form post that way. A pooled
/// namespace is leased (a lock file held while in use) and, on dispose, emptied — its processes killed, its
/// nftables rules flushed — and handed back, so the host's interfaces do not change while tests run.</para>
/// </remarks>
public sealed partial class NetworkNamespace : IAsyncDisposable
{
    private const string Prefix = "vigil-";
    private static readonly SemaphoreSlim CreationGate = new(1, 1);
    private static readonly TimeSpan PoolPatience = TimeSpan.FromMinutes(5);
    private static int _counter;
    private FileStream? _lease;
    private bool _disposed;

    private NetworkNamespace(string name, string hostInterface, string namespaceInterface, IPAddress hostAddress, IPAddress namespaceAddress)
    {
        Name = name;
        HostInterface = hostInterface;
        NamespaceInterface = namespaceInterface;
        HostAddress = hostAddress;
        NamespaceAddress = namespaceAddress;
    }

    /// <summary>The namespace name (for <c>ip netns exec</c>).</summary>
    public string Name { get; }

    /// <summary>The veth end that stays on the host.</summary>
    public string HostInterface { get; }

    /// <summary>The veth end inside the namespace.</summary>
    public string NamespaceInterface { get; }

    /// <summary>Host-side address of the pair (bind test servers/senders here).</summary>
    public IPAddress HostAddress { get; }

    /// <summary>Namespace-side address of the pair.</summary>
    public IPAddress NamespaceAddress { get; }

    /// <summary>Creates the namespace, the veth pair, addresses, and a default route inside the namespace.</summary>
    /// <exception cref="InvalidOperationException">Not root, or <c>ip</c> is missing, or a command failed (message holds its output).</exception>
    public static async Task<NetworkNamespace> CreateAsync(CancellationToken cancellationToken = default)
    {
        var ip = RequiredTool.Find("ip", "iproute2");
        if (Environment.GetEnvironmentVariable("VIGIL_NETNS_POOL") is { Length: > 0 } pool)
        {
            return await LeaseAsync(pool, cancellationToken);
        }

        await CreationGate.WaitAsync(cancellationToken);
        try
        {
            await DeleteStaleAsync(cancellationToken);
            var n = Interlocked.Increment(ref _counter);
            var pid = Environment.ProcessId;
            var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{pid}-{n}");
            // Interface names are limited to 15 characters.
            var tag = string.Create(CultureInfo.InvariantCulture, $"{pid % 100000}{n % 100}");
            var subnet = await FreeSubnetAsync(ip, cancellationToken);
            var result = new NetworkNamespace(name, "vgh" + tag, "vgn" + tag,
                IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"198.18.{subnet}.1")),
                IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"198.18.{subnet}.2")));
            try
            {
                await Run(ip, cancellationToken, "netns", "add", name);
                await Run(ip, cancellationToken, "link", "add", result.HostInterface, "type", "veth", "peer", "name", result.NamespaceInterface);
                await Run(ip, cancellationToken, "link", "set", result.NamespaceInterface, "netns", name);
                await Run(ip, cancellationToken, "addr", "add", result.HostAddress + "/24", "dev", result.HostInterface);
                await Run(ip, cancellationToken, "link", "set", result.HostInterface, "up");
                await Run(ip, cancellationToken, "-n", name, "addr", "add", result.NamespaceAddress + "/24", "dev", result.NamespaceInterface);
                await Run(ip, cancellationToken, "-n", name, "link", "set", result.NamespaceInterface, "up");
                await Run(ip, cancellationToken, "-n", name, "link", "set", "lo", "up");
                await Run(ip, cancellationToken, "-n", name, "route", "add", "default", "via", result.HostAddress.ToString());
                return result;
            }
            catch
            {
                await result.DisposeAsync();
                throw;
            }
        }
        finally
        {
            CreationGate.Release();
        }
    }

    /// <summary>
    /// Leases a free namespace of the pool <c>./test.sh</c> made: each slot is a file <c>slot-N</c> holding
    /// "name host-interface namespace-interface host-address namespace-address", leased by holding
    /// <c>slot-N.lock</c> open exclusively (an flock; a crashed test process lets go of it). Waits while every slot is
    /// in use, since making a namespace now is what the pool is there to avoid.
    /// </summary>
    private static async Task<NetworkNamespace> LeaseAsync(string pool, CancellationToken cancellationToken)
    {
        var slots = Directory.GetFiles(pool, "slot-*").Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        if (slots.Length == 0)
        {
            throw new InvalidOperationException($"VIGIL_NETNS_POOL={pool} holds no slot-N file: the pool was not made (see scripts/test-env/20-media.sh).");
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await CreationGate.WaitAsync(cancellationToken);
            try
            {
                foreach (var slot in slots)
                {
                    FileStream lease;
                    try
                    {
                        lease = new FileStream(slot + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    }
                    catch (IOException)
                    {
                        continue;
                    }

                    var fields = File.ReadAllText(slot).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (fields.Length != 5)
                    {
                        await lease.DisposeAsync();
                        throw new InvalidOperationException($"{slot} should hold five fields (name, two interfaces, two addresses): '{string.Join(' ', fields)}'.");
                    }

                    return new NetworkNamespace(fields[0], fields[1], fields[2], IPAddress.Parse(fields[3]), IPAddress.Parse(fields[4])) { _lease = lease };
                }
            }
            finally
            {
                CreationGate.Release();
            }

            if (waited.Elapsed > PoolPatience)
            {
                throw new TimeoutException($"Every namespace of the pool {pool} ({slots.Length}) stayed in use for {PoolPatience.TotalMinutes} minutes.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>Runs a command inside the namespace and waits for it (throws on a non-zero exit).</summary>
    public Task<string> ExecAsync(IEnumerable<string> command, CancellationToken cancellationToken = default) =>
        ExternalProcess.RunCheckedAsync(RequiredTool.Find("ip", "iproute2"), ["netns", "exec", Name, .. command], TimeSpan.FromSeconds(30), cancellationToken);

    /// <summary>Starts a long-running process inside the namespace.</summary>
    public ExternalProcess Start(string program, IEnumerable<string> arguments) =>
        ExternalProcess.Start(RequiredTool.Find("ip", "iproute2"), ["netns", "exec", Name, program, .. arguments]);

    /// <summary>
    /// Writes a shell script that runs <paramref name="program"/> inside the namespace with the arguments it is given,
    /// for tools that take an executable path (e.g. Playwright's <c>ExecutablePath</c>); file descriptors pass through.
    /// </summary>
    public string WriteWrapperScript(string program, string directory)
    {
        var path = Path.Combine(directory, $"{Name}-{Path.GetFileName(program)}.sh");
        File.WriteAllText(path, $"#!/bin/sh\nexec {RequiredTool.Find("ip", "iproute2")} netns exec {Name} {program} \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>
    /// Drops <paramref name="percent"/> % of UDP datagrams arriving in the namespace, chosen at random, with an nftables
    /// rule (the role <c>tc netem loss</c> plays where the kernel has netem; this one has not).
    /// </summary>
    public async Task AddUdpLossAsync(int percent, CancellationToken cancellationToken = default)
    {
        var nft = RequiredTool.Find("nft", "nftables");
        await ExecAsync([nft, "add", "table", "inet", "vigil_loss"], cancellationToken);
        await ExecAsync([nft, "add", "chain", "inet", "vigil_loss", "input", "{ type filter hook input priority 0; policy accept; }"], cancellationToken);
        await ExecAsync([nft, "add", "rule", "inet", "vigil_loss", "input", "meta", "l4proto", "udp", "numgen", "random", "mod", "100", "<",
            percent.ToString(CultureInfo.InvariantCulture), "counter", "drop"], cancellationToken);
    }

    /// <summary>Drops every UDP datagram arriving in the namespace: a peer that has gone silent (lost power, left the network).</summary>
    public async Task BlockUdpAsync(CancellationToken cancellationToken = default)
    {
        var nft = RequiredTool.Find("nft", "nftables");
        await ExecAsync([nft, "add", "table", "inet", "vigil_block"], cancellationToken);
        await ExecAsync([nft, "add", "chain", "inet", "vigil_block", "input", "{ type filter hook input priority 0; policy accept; }"], cancellationToken);
        await ExecAsync([nft, "add", "rule", "inet", "vigil_block", "input", "meta", "l4proto", "udp", "drop"], cancellationToken);
    }

    /// <summary>Packets dropped so far by the <see cref="AddUdpLossAsync"/> rule.</summary>
    public async Task<long> DroppedPacketsAsync(CancellationToken cancellationToken = default)
    {
        var output = await ExecAsync([RequiredTool.Find("nft", "nftables"), "list", "table", "inet", "vigil_loss"], cancellationToken);
        var match = CounterPattern().Match(output);
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>
    /// Deletes the namespace (which removes both veth ends); a pooled one is emptied instead — every process in it
    /// killed, its nftables rules flushed — and its lease given back.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var ip = RequiredTool.Find("ip", "iproute2");
        if (_lease is not null)
        {
            await EmptyAsync(ip);
            await _lease.DisposeAsync();
            return;
        }

        await ExternalProcess.RunAsync(ip, ["netns", "delete", Name], TimeSpan.FromSeconds(30));
        await ExternalProcess.RunAsync(ip, ["link", "delete", HostInterface], TimeSpan.FromSeconds(30));
    }

    private async Task EmptyAsync(string ip)
    {
        for (var round = 0; round < 50; round++)
        {
            var (_, pids) = await ExternalProcess.RunAsync(ip, ["netns", "pids", Name], TimeSpan.FromSeconds(30));
            var alive = pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
                .Where(pid => pid > 0)
                .ToArray();
            if (alive.Length == 0)
            {
                break;
            }

            foreach (var pid in alive)
            {
                try
                {
                    using var process = System.Diagnostics.Process.GetProcessById(pid);
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Gone already.
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        // AddUdpLossAsync/BlockUdpAsync leave tables behind; the next lease starts with none.
        await ExternalProcess.RunAsync(ip, ["netns", "exec", Name, RequiredTool.Find("nft", "nftables"), "flush", "ruleset"], TimeSpan.FromSeconds(30));
    }

    /// <summary>Deletes namespaces left by test processes that no longer exist.</summary>
    public static async Task DeleteStaleAsync(CancellationToken cancellationToken = default)
    {
        var ip = RequiredTool.Find("ip", "iproute2");
        var (_, list) = await ExternalProcess.RunAsync(ip, ["netns", "list"], TimeSpan.FromSeconds(30), cancellationToken);
        foreach (Match match in StalePattern().Matches(list))
        {
            var pid = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            if (pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                await ExternalProcess.RunAsync(ip, ["netns", "delete", match.Groups[1].Value], TimeSpan.FromSeconds(30), cancellationToken);
            }
        }
    }

    private static async Task<int> FreeSubnetAsync(string ip, CancellationToken cancellationToken)
    {
        var (_, addresses) = await ExternalProcess.RunAsync(ip, ["-4", "addr", "show"], TimeSpan.FromSeconds(30), cancellationToken);
        var start = (Environment.ProcessId * 7 + Interlocked.Increment(ref _counter)) % 250;
        for (var i = 0; i < 250; i++)
        {
            var subnet = 1 + ((start + i) % 250);
            if (!addresses.Contains(string.Create(CultureInfo.InvariantCulture, $"198.18.{subnet}."), StringComparison.Ordinal))
            {
                return subnet;
            }
        }

        throw new InvalidOperationException("No free 198.18.x.0/24 subnet for a test namespace.");
    }

    private static async Task Run(string ip, CancellationToken cancellationToken, params string[] arguments)
    {
        var (code, output) = await ExternalProcess.RunAsync(ip, arguments, TimeSpan.FromSeconds(30), cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({code}): {output}. Network namespaces need root (CAP_NET_ADMIN).");
        }
    }

    [GeneratedRegex(@"^(vigil-(\d+)-p?\d+)", RegexOptions.Multiline)]
    private static partial Regex StalePattern();

    [GeneratedRegex(@"counter packets (\d+)")]
    private static partial Regex CounterPattern();
}
