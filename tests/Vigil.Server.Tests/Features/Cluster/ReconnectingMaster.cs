using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Vigil.Server.Tests.Features.Signaling;
using Vigil.SigV4;

namespace Vigil.Server.Tests.Features.Cluster;

/// <summary>
/// A camera's signaling master that connects again when its WebSocket ends, as the camera agent does (a new presigned
/// URL each time, the same credentials): through a load balancer it lands on a node that is up. Keeps what it receives.
/// </summary>
internal sealed class ReconnectingMaster : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly X509Certificate2 _root;
    private readonly int _httpsPort;
    private readonly SigV4Credentials _credentials;
    private readonly string _arn;
    private readonly Channel<string> _received = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile bool _connected;
    private int _connections;

    public ReconnectingMaster(X509Certificate2 root, int httpsPort, SigV4Credentials credentials, string arn)
    {
        (_root, _httpsPort, _credentials, _arn) = (root, httpsPort, credentials, arn);
        _loop = RunAsync(_stop.Token);
    }

    public string Arn => _arn;

    public bool IsConnected => _connected;

    /// <summary>How many times it connected (2 or more: it came back after a drop).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The text frames it received, in order.</summary>
    public ChannelReader<string> Received => _received.Reader;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var socket = await SignalingTestSocket.ConnectAsync(_root, SignalingTestSocket.PresignedUrl(_httpsPort, _credentials, _arn, null), cancellationToken);
                _connected = true;
                Interlocked.Increment(ref _connections);
                while (true)
                {
                    var count = 0;
                    WebSocketReceiveResult result;
                    do
                    {
                        result = await socket.Socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), cancellationToken);
                        count += result.Count;
                    }
                    while (!result.EndOfMessage);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    _received.Writer.TryWrite(Encoding.UTF8.GetString(buffer, 0, count));
                }
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Refused, reset or unreachable (the balancer has not noticed the dead node yet): try again.
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                _connected = false;
            }

            await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
