using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Signaling.Bench;

/// <summary>
/// The restart benchmark's e-mail load: a camera sending one picture per SMTP session, counting what the server
/// answered after DATA (a 250 means the message is on disk and must become an event).
/// </summary>
internal static class SmtpLoad
{
    /// <summary>
    /// One e-mail per SMTP session with a picture, again and again: a 250 after DATA means the server has the
    /// message on disk (ARCHITECTURE.md: spooled and fsync'd before 250), so it must become an event.
    /// </summary>
    public static async Task SendMailAsync(int port, string to, byte[] jpeg, MailCounts counts, CancellationToken cancellationToken)
    {
        var body = Encoding.ASCII.GetBytes(
            $"From: camera@example.com\r\nTo: {to}\r\nSubject: motion\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nmotion\r\n" +
            "--b\r\nContent-Type: image/jpeg; name=\"dog.jpg\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"dog.jpg\"\r\n\r\n" +
            Convert.ToBase64String(jpeg, Base64FormattingOptions.InsertLineBreaks) + "\r\n--b--\r\n.\r\n");
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await ExpectAsync(reader, "220");
                await CommandAsync(stream, reader, "EHLO bench.lan", "250");
                await CommandAsync(stream, reader, "MAIL FROM:<camera@example.com>", "250");
                await CommandAsync(stream, reader, $"RCPT TO:<{to}>", "250");
                await CommandAsync(stream, reader, "DATA", "354");
                await stream.WriteAsync(body, CancellationToken.None);
                var reply = await ReplyAsync(reader);
                if (reply.StartsWith("250", StringComparison.Ordinal))
                {
                    counts.Accepted();
                }
                else
                {
                    counts.Refused(reply);
                }

                await stream.WriteAsync("QUIT\r\n"u8.ToArray(), CancellationToken.None);
                await Task.Delay(250, cancellationToken);
            }
            catch (Exception e) when (e is SocketException or IOException or SmtpRefusal)
            {
                counts.Failed(e.Message);
                await Task.Delay(100, CancellationToken.None);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private static async Task CommandAsync(Stream stream, StreamReader reader, string command, string expected)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        await ExpectAsync(reader, expected);
    }

    private static async Task ExpectAsync(StreamReader reader, string expected)
    {
        var reply = await ReplyAsync(reader);
        if (!reply.StartsWith(expected, StringComparison.Ordinal))
        {
            throw new SmtpRefusal(reply);
        }
    }

    /// <summary>One SMTP reply (the last line of a multi-line one); empty when the server closed the connection.</summary>
    private static async Task<string> ReplyAsync(StreamReader reader)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync() ?? throw new IOException("connection closed");
            if (line.Length < 4 || line[3] != '-')
            {
                return line;
            }
        }
    }

    private sealed class SmtpRefusal(string reply) : Exception(reply);

    internal sealed class MailCounts
    {
        private int _accepted;
        private int _refused;
        private int _failed;
        private readonly ConcurrentDictionary<string, int> _replies = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

        public void Accepted() => Interlocked.Increment(ref _accepted);

        public void Refused(string reply)
        {
            Interlocked.Increment(ref _refused);
            _replies.AddOrUpdate(reply.Length > 40 ? reply[..40] : reply, 1, (_, n) => n + 1);
        }

        public void Failed(string why)
        {
            Interlocked.Increment(ref _failed);
            _failures.AddOrUpdate(why.Length > 60 ? why[..60] : why, 1, (_, n) => n + 1);
        }

        public MailSnapshot Snapshot() => new(
            Volatile.Read(ref _accepted), Volatile.Read(ref _refused), Volatile.Read(ref _failed),
            string.Join("; ", _replies.Select(r => $"{r.Key} ×{r.Value}")), string.Join("; ", _failures.Select(r => $"{r.Key} ×{r.Value}")));
    }
}

internal sealed record MailSnapshot(int Accepted, int Refused, int Failed, string RefusalReplies, string Failures)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Accepted} accepted (250 after DATA), {Refused} refused after DATA{(RefusalReplies.Length > 0 ? " (" + RefusalReplies + ")" : "")}, {Failed} sessions cut or refused before the reply to DATA{(Failures.Length > 0 ? " (" + Failures + ")" : "")}");
}
