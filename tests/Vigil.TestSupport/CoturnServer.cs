using System.Globalization;
using System.Text;

namespace Vigil.TestSupport;

/// <summary>
/// A real coturn (Debian package <c>coturn</c>) started for a test: STUN and TURN over UDP on one address, REST
/// credentials (<c>use-auth-secret</c>), no TLS, no CLI, no database; stopped (killed) on dispose.
/// </summary>
/// <remarks>
/// coturn's defaults relay to private addresses (it only refuses what <c>denied-peer-ip</c> lists, plus loopback
/// and multicast unless allowed), so test peers in 198.18.0.0/15 work without extra rules.
/// </remarks>
public sealed class CoturnServer : IAsyncDisposable
{
    private readonly ExternalProcess _process;
    private readonly string _directory;

    private CoturnServer(ExternalProcess process, string directory, CoturnOptions options)
    {
        _process = process;
        _directory = directory;
        Options = options;
    }

    /// <summary>The options it runs with.</summary>
    public CoturnOptions Options { get; }

    /// <summary><c>stun:</c> URI of the server.</summary>
    public string StunUri => string.Create(CultureInfo.InvariantCulture, $"stun:{Options.ListeningAddress}:{Options.Port}");

    /// <summary><c>turn:</c> URI of the server (UDP).</summary>
    public string TurnUri => string.Create(CultureInfo.InvariantCulture, $"turn:{Options.ListeningAddress}:{Options.Port}?transport=udp");

    /// <summary>Everything coturn logged so far (for failure messages).</summary>
    public string Output => _process.Output;

    /// <summary>Starts coturn and waits until its UDP listener is open.</summary>
    /// <exception cref="InvalidOperationException">coturn is not installed.</exception>
    /// <exception cref="TimeoutException">It did not come up within 15 s (message holds its log).</exception>
    public static async Task<CoturnServer> StartAsync(CoturnOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var turnserver = RequiredTool.Find("turnserver", "coturn");
        var directory = Directory.CreateTempSubdirectory("vigil-coturn-").FullName;
        var config = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"listening-ip={options.ListeningAddress}")
            .AppendLine(CultureInfo.InvariantCulture, $"relay-ip={options.ListeningAddress}")
            .AppendLine(CultureInfo.InvariantCulture, $"listening-port={options.Port}")
            .AppendLine(CultureInfo.InvariantCulture, $"min-port={options.MinRelayPort}")
            .AppendLine(CultureInfo.InvariantCulture, $"max-port={options.MaxRelayPort}")
            .AppendLine(CultureInfo.InvariantCulture, $"realm={options.Realm}")
            .AppendLine("use-auth-secret")
            .AppendLine(CultureInfo.InvariantCulture, $"static-auth-secret={options.SharedSecret}")
            .AppendLine("fingerprint")
            .AppendLine("no-tcp")
            .AppendLine("no-tls")
            .AppendLine("no-dtls")
            .AppendLine("no-cli")
            .AppendLine("no-tcp-relay")
            .AppendLine("no-multicast-peers")
            .AppendLine(options.AllowLoopbackPeers ? "allow-loopback-peers" : "# loopback peers are refused by default")
            .AppendLine(CultureInfo.InvariantCulture, $"pidfile={Path.Combine(directory, "turnserver.pid")}")
            .AppendLine(CultureInfo.InvariantCulture, $"userdb={Path.Combine(directory, "turndb")}")
            .AppendLine(options.StaleNonceSeconds is { } stale ? string.Create(CultureInfo.InvariantCulture, $"stale-nonce={stale}") : "# default nonce lifetime")
            .AppendLine("log-file=stdout")
            .AppendLine("simple-log")
            .AppendLine("verbose");
        var configPath = Path.Combine(directory, "turnserver.conf");
        await File.WriteAllTextAsync(configPath, config.ToString(), cancellationToken);

        string[] arguments = ["-c", configPath];
        var process = options.Namespace is { } ns ? ns.Start(turnserver, arguments) : ExternalProcess.Start(turnserver, arguments);
        var server = new CoturnServer(process, directory, options);
        try
        {
            await process.WaitForLineAsync(
                l => l.Contains("UDP listener opened on", StringComparison.Ordinal) && l.Contains(options.ListeningAddress.ToString(), StringComparison.Ordinal),
                TimeSpan.FromSeconds(15), cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops coturn and removes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
