using System.Diagnostics;
using System.Net.Sockets;

namespace Vigil.TestSupport;

/// <summary>
/// A real SMTP server we did not write: Debian's python3-aiosmtpd (run with /usr/bin/python3),
/// storing every message it receives in a maildir. Stands in for the user's mail relay.
/// </summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;

    private SmtpSink(Process process, TempDirectory directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string NewMail => System.IO.Path.Combine(_directory.Path, "mail", "new");

    public static async Task<SmtpSink> StartAsync(CancellationToken cancellationToken)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
        {
            throw new InvalidOperationException("This test needs /usr/bin/python3 with python3-aiosmtpd: run ./test.sh, which installs them from Debian.");
        }

        var directory = new TempDirectory("smtp-sink");
        var port = VigilExecutable.FreePort();
        var start = new ProcessStartInfo(python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", System.IO.Path.Combine(directory.Path, "mail") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var sink = new SmtpSink(process, directory, port);
        try
        {
            await Eventually.WaitAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException("aiosmtpd exited at once: is python3-aiosmtpd installed? (./test.sh installs it)");
                    }

                    using var client = new TcpClient();
                    try
                    {
                        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                        return true;
                    }
                    catch (SocketException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(20),
                "aiosmtpd listening",
                cancellationToken);
        }
        catch
        {
            await sink.DisposeAsync();
            throw;
        }

        return sink;
    }

    public IReadOnlyList<string> Messages() =>
        Directory.Exists(NewMail) ? Directory.GetFiles(NewMail).Order().ToList() : [];

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
