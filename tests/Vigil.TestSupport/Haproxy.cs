using System.Net;
using System.Net.Sockets;

namespace Vigil.TestSupport;

/// <summary>Debian's HAProxy started by a test with a configuration of its own, until its frontends listen.</summary>
internal static class Haproxy
{
    /// <summary>
    /// Writes <paramref name="configuration"/> to <paramref name="files"/> and starts <c>haproxy -db</c> with it; returns
    /// once every port in <paramref name="frontends"/> accepts connections on 127.0.0.1.
    /// </summary>
    public static async Task<ExternalProcess> StartAsync(TempDirectory files, string configuration, IReadOnlyList<int> frontends, CancellationToken cancellationToken)
    {
        var path = files.File("haproxy.cfg");
        await File.WriteAllTextAsync(path, configuration, cancellationToken);
        var process = ExternalProcess.Start(RequiredTool.Find("haproxy", "haproxy"), ["-db", "-f", path]);
        try
        {
            foreach (var port in frontends)
            {
                await Eventually.WaitAsync(
                    async () =>
                    {
                        using var probe = new TcpClient();
                        try
                        {
                            await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                            return true;
                        }
                        catch (SocketException)
                        {
                            return false;
                        }
                    },
                    TimeSpan.FromSeconds(20),
                    $"HAProxy listening on 127.0.0.1:{port} ({process.Description})",
                    cancellationToken,
                    TimeSpan.FromMilliseconds(100));
            }

            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}
