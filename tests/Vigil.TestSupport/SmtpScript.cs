using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.TestSupport;

/// <summary>A scripted SMTP peer on a real socket, for the odd things real clients never send.</summary>
internal sealed class SmtpScript : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private SmtpScript(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public static Task<SmtpScript> ConnectAsync(IPEndPoint server, CancellationToken cancellationToken) =>
        ConnectAsync(server, from: null, preamble: null, cancellationToken);

    /// <summary>
    /// Connects from the local address <paramref name="from"/> (another loopback address, say 127.0.0.2) and writes
    /// <paramref name="preamble"/> (a PROXY protocol header) before reading the greeting.
    /// </summary>
    public static async Task<SmtpScript> ConnectAsync(IPEndPoint server, IPAddress? from, byte[]? preamble, CancellationToken cancellationToken)
    {
        var client = from is null ? new TcpClient() : new TcpClient(new IPEndPoint(from, 0));
        await client.ConnectAsync(server.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : server.Address, server.Port, cancellationToken);
        var script = new SmtpScript(client);
        if (preamble is not null)
        {
            await script.WriteAsync(preamble, cancellationToken);
        }

        var greeting = await script.ReadReplyAsync(cancellationToken);
        Assert.StartsWith("220", greeting, StringComparison.Ordinal);
        return script;
    }

    /// <summary>Sends a line (CRLF added) and returns the whole reply (multi-line replies joined by \n).</summary>
    public async Task<string> SendAsync(string line, CancellationToken cancellationToken)
    {
        await WriteAsync(line + "\r\n", cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    public async Task WriteAsync(string text, CancellationToken cancellationToken) =>
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);

    public async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken) =>
        await _stream.WriteAsync(bytes, cancellationToken);

    public async Task<string> ReadReplyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var lines = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new IOException("the server closed the connection; replies so far: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join("\n", lines);
            }
        }
    }

    /// <summary>EHLO, MAIL and RCPT to a camera's ingest address, then DATA with this message; returns the final reply.</summary>
    public static async Task<string> SendMessageAsync(IPEndPoint server, string recipient, string message, CancellationToken cancellationToken)
    {
        await using var smtp = await ConnectAsync(server, cancellationToken);
        Assert.StartsWith("250", await smtp.SendAsync("EHLO test.lan", cancellationToken), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.SendAsync("MAIL FROM:<cam@example.com>", cancellationToken), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.SendAsync($"RCPT TO:<{recipient}>", cancellationToken), StringComparison.Ordinal);
        Assert.StartsWith("354", await smtp.SendAsync("DATA", cancellationToken), StringComparison.Ordinal);
        await smtp.WriteAsync(message.Replace("\r\n.", "\r\n..", StringComparison.Ordinal) + "\r\n.\r\n", cancellationToken);
        return await smtp.ReadReplyAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
