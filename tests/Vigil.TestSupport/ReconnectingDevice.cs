using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace Vigil.TestSupport;

/// <summary>
/// A simulated camera's MQTT connection that comes back when it drops, as the camera agent's does: connect, wait
/// for the connection to end, wait a moment, connect again (to wherever the address leads: a load balancer sends it to
/// a node that is up). Stops when disposed.
/// </summary>
internal sealed class ReconnectingDevice : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly MqttClientOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private IMqttClient? _client;
    private int _connections;

    public ReconnectingDevice(X509Certificate2 root, int port, X509Certificate2 certificate, string clientId)
    {
        ClientId = clientId;
        _options = DeviceClients.Options(root, port, certificate, clientId);
        _loop = RunAsync(_stop.Token);
    }

    public string ClientId { get; }

    public bool IsConnected => _client?.IsConnected == true;

    /// <summary>How many times it connected (2 or more: it came back after a drop).</summary>
    public int Connections => Volatile.Read(ref _connections);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var client = await DeviceClients.ConnectAsync(_options, cancellationToken);
                var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                client.DisconnectedAsync += _ =>
                {
                    ended.TrySetResult();
                    return Task.CompletedTask;
                };
                _client = client;
                Interlocked.Increment(ref _connections);
                await ended.Task.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Refused or unreachable (the balancer has not noticed the dead node yet): try again.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
