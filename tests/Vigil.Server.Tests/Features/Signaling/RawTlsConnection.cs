using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Signaling;

/// <summary>
/// A TLS socket to Vigil speaking bytes we write by hand: HTTP/1.1 requests shaped exactly like the KVS C
/// SDK's (ALPN http/1.1, its header set and body layout), and WebSocket frames (pings, odd frames).
/// </summary>
internal sealed class RawTlsConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly SslStream _tls;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawTlsConnection(TcpClient tcp, SslStream tls)
    {
        _tcp = tcp;
        _tls = tls;
    }

    public Stream Stream => _tls;

    public static async Task<RawTlsConnection> OpenAsync(Uri https, X509Certificate2 root, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(https.Host, https.Port, cancellationToken);
        var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = https.Host,
            // The KVS C SDK pins ALPN to http/1.1 (h2 gave it HTML 400s on AWS).
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            CertificateChainPolicy = VigilTrust.ChainPolicy(root),
        }, cancellationToken);
        return new RawTlsConnection(tcp, tls);
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _tls.WriteAsync(bytes, cancellationToken);
        await _tls.FlushAsync(cancellationToken);
    }

    /// <summary>Reads an HTTP/1.1 response head (status line + headers) and a Content-Length body.</summary>
    public async Task<RawHttpResponse> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var head = await ReadHeadAsync(cancellationToken);
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        var length = headers.Where(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => int.Parse(h.Value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = await ReadExactlyAsync(length, cancellationToken);
        return new RawHttpResponse(lines[0], status, headers, Encoding.UTF8.GetString(body));
    }

    public async Task<string> ReadHeadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = Encoding.Latin1.GetString(_buffer, _start, _end - _start);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _start += end + 4;
                return text[..end];
            }

            await FillAsync(cancellationToken);
        }
    }

    public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_end == _start)
            {
                await FillAsync(cancellationToken);
            }

            var n = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, result, copied, n);
            _start += n;
            copied += n;
        }

        return result;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = await _tls.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            throw new EndOfStreamException("the server closed the connection");
        }

        _end += read;
    }

    public async ValueTask DisposeAsync()
    {
        await _tls.DisposeAsync();
        _tcp.Dispose();
    }
}

internal sealed record RawHttpResponse(string StatusLine, int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public string? Header(string name) => Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}
