using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Notifications;

/// <summary>A real HTTP endpoint for webhooks (WebhookReceiver.py, Python's http.server) on 127.0.0.1; each post it answered is in <see cref="Posts"/>.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _posts = Channel.CreateUnbounded<JsonElement>();

    private WebhookReceiver(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public ChannelReader<JsonElement> Posts => _posts.Reader;

    /// <summary>Answers 500 to the first <paramref name="fails"/> posts, then 200, or 307 to <paramref name="redirectTo"/> when given.</summary>
    public static async Task<WebhookReceiver> StartAsync(int fails, CancellationToken cancellationToken, string? redirectTo = null)
    {
        var port = VigilExecutable.FreePort();
        var script = Path.Combine(AppContext.BaseDirectory, "Features", "Notifications", "WebhookReceiver.py");
        string[] arguments = redirectTo is null
            ? [script, port.ToString(CultureInfo.InvariantCulture), fails.ToString(CultureInfo.InvariantCulture)]
            : [script, port.ToString(CultureInfo.InvariantCulture), fails.ToString(CultureInfo.InvariantCulture), redirectTo];
        var receiver = new WebhookReceiver(Process.Start(new ProcessStartInfo("/usr/bin/python3", arguments) { RedirectStandardOutput = true })!, port);
        var ready = new TaskCompletionSource();
        _ = Task.Run(async () =>
        {
            while (await receiver._process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
            {
                if (line == "ready")
                {
                    ready.TrySetResult();
                }
                else
                {
                    await receiver._posts.Writer.WriteAsync(JsonDocument.Parse(line).RootElement.Clone(), CancellationToken.None);
                }
            }
        }, CancellationToken.None);
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }

        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }
}
