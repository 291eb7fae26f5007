using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Signaling;

/// <summary>
/// A real coturn (Debian's <c>turnserver</c>) on 127.0.0.1 in TURN REST mode (<c>use-auth-secret</c>), as
/// deploy/coturn/turnserver.conf configures it for production. Stopped on dispose.
/// </summary>
internal sealed class Coturn : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;

    private Coturn(Process process, TempDirectory directory, int port, string secret)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Secret = secret;
    }

    public int Port { get; }

    public string Secret { get; }

    public string Log => File.Exists(_directory.File("turn.log")) ? File.ReadAllText(_directory.File("turn.log")) : "";

    public static async Task<Coturn> StartAsync(CancellationToken cancellationToken)
    {
        var executable = Requirements.Executable("turnserver");
        var directory = new TempDirectory("coturn");
        var port = VigilExecutable.FreePort();
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList =
            {
                "-n", "--listening-ip=127.0.0.1", $"--listening-port={port.ToString(CultureInfo.InvariantCulture)}", "--relay-ip=127.0.0.1",
                "--use-auth-secret", $"--static-auth-secret={secret}", "--realm=vigil.test", "--fingerprint",
                "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers", "--no-multicast-peers",
                $"--log-file={directory.File("turn.log")}", "--simple-log", $"--pidfile={directory.File("turn.pid")}",
            },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var coturn = new Coturn(process, directory, port, secret);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            // coturn listens on TCP and UDP on the same port; TCP tells us it is up.
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, deadline.Token);
                return coturn;
            }
            catch (SocketException) when (!process.HasExited)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (Exception) when (process.HasExited || deadline.IsCancellationRequested)
            {
                var log = coturn.Log;
                await coturn.DisposeAsync();
                throw new InvalidOperationException($"coturn did not start on 127.0.0.1:{port}: {log}");
            }
        }
    }

    /// <summary>Runs coturn's own TURN client: allocate a relay, then send and receive through it.</summary>
    public Task<ProcessResult> AllocateAsync(string username, string password, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(Requirements.Executable("turnutils_uclient"),
            ["-y", "-n", "3", "-u", username, "-w", password, "-p", Port.ToString(CultureInfo.InvariantCulture), "127.0.0.1"],
            timeout: TimeSpan.FromSeconds(60), cancellationToken: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _directory.Dispose();
    }
}
