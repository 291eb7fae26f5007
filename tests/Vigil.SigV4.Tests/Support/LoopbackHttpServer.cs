using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.SigV4.Tests.Support;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 that hands each request, exactly as it arrived on the socket
/// (raw request target, header lines, body), to a callback. Enough for HttpClient with Content-Length bodies.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private const int MaxHead = 64 * 1024;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<SigV4VerificationRequest, Task<(int Status, string Body)>> _handle;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public LoopbackHttpServer(Func<SigV4VerificationRequest, Task<(int Status, string Body)>> handle)
    {
        _handle = handle;
        _listener.Start();
        _acceptLoop = AcceptAsync(_stop.Token);
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        var connections = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(cancellationToken);
                connections.Add(ServeAsync(client, cancellationToken));
            }
        }
        finally
        {
            await Task.WhenAll(connections);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var _ = client;
        var stream = client.GetStream();
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                int headEnd;
                while ((headEnd = IndexOfHeadEnd(buffer)) < 0)
                {
                    var read = await stream.ReadAsync(chunk, cancellationToken);
                    if (read == 0 || buffer.Count > MaxHead)
                    {
                        return;
                    }

                    buffer.AddRange(chunk.AsSpan(0, read));
                }

                var head = Encoding.Latin1.GetString(buffer.GetRange(0, headEnd).ToArray()).Split("\r\n");
                var parts = head[0].Split(' ');
                var target = parts[1];
                var headers = new SigV4HeaderCollection();
                foreach (var line in head.Skip(1))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    headers.Add(line[..colon], line[(colon + 1)..].Trim(' ', '\t'));
                }

                var length = headers.TryGetValues("Content-Length", out var values) ? int.Parse(values[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
                buffer.RemoveRange(0, headEnd + 4);
                while (buffer.Count < length)
                {
                    var read = await stream.ReadAsync(chunk, cancellationToken);
                    if (read == 0)
                    {
                        return;
                    }

                    buffer.AddRange(chunk.AsSpan(0, read));
                }

                var body = buffer.GetRange(0, length).ToArray();
                buffer.RemoveRange(0, length);
                var question = target.IndexOf('?', StringComparison.Ordinal);
                var (status, text) = await _handle(new SigV4VerificationRequest
                {
                    Method = parts[0],
                    Path = question < 0 ? target : target[..question],
                    QueryString = question < 0 ? null : target[question..],
                    Headers = headers,
                    Body = body,
                });
                var payload = Encoding.UTF8.GetBytes(text);
                var response = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Status\r\nContent-Type: text/plain\r\nContent-Length: {payload.Length}\r\n\r\n");
                await stream.WriteAsync(response.Concat(payload).ToArray(), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // The client closed the connection.
        }
    }

    private static int IndexOfHeadEnd(List<byte> buffer)
    {
        for (var i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
