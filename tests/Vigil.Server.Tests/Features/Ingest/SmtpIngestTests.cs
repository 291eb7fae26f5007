using Microsoft.Extensions.Logging;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Features.Ingest.Smtp;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Ingest;

/// <summary>The SMTP listener against bad and unauthorised input: every case gets a clear reply, the session goes on or closes, nothing crashes.</summary>
public sealed class SmtpIngestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bad_messages_get_clear_refusals_and_a_good_one_after_them_is_still_accepted()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Ingest:MaxRecipients"] = "3" }), cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "bob@example.com", "Garage", Ct);
        var to = camera.IngestAddress;
        var dog = await File.ReadAllBytesAsync(SnapshotAssets.Picture("dog.jpg"), Ct);

        // No picture at all.
        Assert.StartsWith("554 5.6.0", await SmtpScript.SendMessageAsync(vigil.Smtp, to, CameraMail.With(), Ct), StringComparison.Ordinal);
        // Text renamed .jpg.
        var renamed = await SmtpScript.SendMessageAsync(vigil.Smtp, to, CameraMail.With(("snap.jpg", "image/jpeg", "just text, not a picture"u8.ToArray())), Ct);
        Assert.StartsWith("554 5.6.0", renamed, StringComparison.Ordinal);
        Assert.Contains("snap.jpg", renamed, StringComparison.Ordinal);
        // A decompression bomb.
        var bomb = await SmtpScript.SendMessageAsync(vigil.Smtp, to, CameraMail.With(("bomb.png", "image/png", SnapshotPictures.DecompressionBombPng())), Ct);
        Assert.StartsWith("554 5.6.0", bomb, StringComparison.Ordinal);
        Assert.Contains("20000x20000", bomb, StringComparison.Ordinal);
        // Malformed MIME: a multipart without boundaries and garbage.
        var malformed = await SmtpScript.SendMessageAsync(vigil.Smtp, to, "Content-Type: multipart/mixed\r\nSubject: x\r\n\r\n\u0001\u0002garbage\r\n--\r\n", Ct);
        Assert.StartsWith("554 5.6.0", malformed, StringComparison.Ordinal);
        // A header bomb.
        var headers = string.Concat(Enumerable.Range(0, 4000).Select(i => $"X-Bomb-{i}: {new string('h', 30)}\r\n"));
        Assert.StartsWith("552 5.3.4", await SmtpScript.SendMessageAsync(vigil.Smtp, to, headers + "\r\nbody", Ct), StringComparison.Ordinal);

        // One good picture and one bad attachment: accepted, the bad one skipped.
        var mixed = await SmtpScript.SendMessageAsync(vigil.Smtp, to, CameraMail.With(("dog.jpg", "image/jpeg", dog), ("notes.jpg", "image/jpeg", "text"u8.ToArray())), Ct);
        Assert.StartsWith("250 2.0.0", mixed, StringComparison.Ordinal);
        var events = await SnapshotTestData.WaitForEventsAsync(vigil.App.Services, 1, Ct);
        Assert.Single(Assert.Single(events).Pictures);
        Assert.Contains(events[0].Detections, d => d.Label == "Dog");
    }

    [Fact]
    public async Task A_50_mb_message_is_refused_at_mail_from_by_its_declared_size_and_after_data_without_it()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(), cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "bob@example.com", "Garage", Ct);
        await using var smtp = await SmtpScript.ConnectAsync(vigil.Smtp, Ct);
        var ehlo = await smtp.SendAsync("EHLO test.lan", Ct);
        Assert.Contains("SIZE 26214400", ehlo, StringComparison.Ordinal);

        Assert.StartsWith("552 5.3.4", await smtp.SendAsync($"MAIL FROM:<cam@example.com> SIZE={50 * 1024 * 1024}", Ct), StringComparison.Ordinal);

        Assert.StartsWith("250", await smtp.SendAsync("MAIL FROM:<cam@example.com>", Ct), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.SendAsync($"RCPT TO:<{camera.IngestAddress}>", Ct), StringComparison.Ordinal);
        Assert.StartsWith("354", await smtp.SendAsync("DATA", Ct), StringComparison.Ordinal);
        await smtp.WriteAsync("Subject: big\r\n\r\n", Ct);
        var line = System.Text.Encoding.ASCII.GetBytes(new string('A', 76) + "\r\n");
        var chunk = new byte[line.Length * 10_000];
        for (var i = 0; i < 10_000; i++)
        {
            line.CopyTo(chunk, i * line.Length);
        }

        for (long sent = 0; sent < 50L * 1024 * 1024; sent += chunk.Length)
        {
            await smtp.WriteAsync(chunk, Ct);
        }

        await smtp.WriteAsync(".\r\n", Ct);
        Assert.StartsWith("552 5.3.4", await smtp.ReadReplyAsync(Ct), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.SendAsync("NOOP", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_recipients_relaying_too_many_recipients_vrfy_and_plaintext_auth_are_refused_before_data()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Ingest:MaxRecipients"] = "2" }), cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "bob@example.com", "Garage", Ct);
        var domain = camera.IngestAddress.Split('@')[1];
        await using var smtp = await SmtpScript.ConnectAsync(vigil.Smtp, Ct);

        Assert.StartsWith("503", await smtp.SendAsync("MAIL FROM:<a@b.c>", Ct), StringComparison.Ordinal);
        var ehlo = await smtp.SendAsync("EHLO test.lan", Ct);
        Assert.DoesNotContain("AUTH", ehlo, StringComparison.Ordinal);
        Assert.StartsWith("538 5.7.11", await smtp.SendAsync("AUTH PLAIN AGNhbQBzZWNyZXQ=", Ct), StringComparison.Ordinal);
        Assert.StartsWith("502", await smtp.SendAsync("VRFY root", Ct), StringComparison.Ordinal);
        Assert.StartsWith("502", await smtp.SendAsync("EXPN staff", Ct), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.SendAsync("MAIL FROM:<a@b.c>", Ct), StringComparison.Ordinal);
        Assert.StartsWith("550 5.7.1", await smtp.SendAsync("RCPT TO:<victim@elsewhere.example>", Ct), StringComparison.Ordinal);
        Assert.StartsWith("550 5.1.1", await smtp.SendAsync($"RCPT TO:<guessedtoken@{domain}>", Ct), StringComparison.Ordinal);
        Assert.StartsWith("503", await smtp.SendAsync("DATA", Ct), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.SendAsync($"RCPT TO:<{camera.IngestAddress}>", Ct), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.SendAsync($"RCPT TO:<{camera.IngestAddress}>", Ct), StringComparison.Ordinal);
        Assert.StartsWith("452 4.5.3", await smtp.SendAsync($"RCPT TO:<{camera.IngestAddress}>", Ct), StringComparison.Ordinal);
        Assert.StartsWith("500 5.5.0", await smtp.SendAsync(new string('x', 5000), Ct), StringComparison.Ordinal);
        Assert.StartsWith("221", await smtp.SendAsync("QUIT", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_and_the_session_closes_after_three_tries()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Ingest:AllowLoopbackAuthWithoutTls"] = "true" }), cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "bob@example.com", "Garage", Ct);
        await using var smtp = await SmtpScript.ConnectAsync(vigil.Smtp, Ct);
        Assert.Contains("AUTH PLAIN LOGIN", await smtp.SendAsync("EHLO test.lan", Ct), StringComparison.Ordinal);
        string Plain(string user, string password) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

        Assert.StartsWith("535 5.7.8", await smtp.SendAsync("AUTH PLAIN " + Plain(camera.SmtpUsername, "wrong"), Ct), StringComparison.Ordinal);
        Assert.StartsWith("334", await smtp.SendAsync("AUTH LOGIN", Ct), StringComparison.Ordinal);
        Assert.StartsWith("334", await smtp.SendAsync(Convert.ToBase64String("nobody"u8.ToArray()), Ct), StringComparison.Ordinal);
        Assert.StartsWith("535 5.7.8", await smtp.SendAsync(Convert.ToBase64String("nothing"u8.ToArray()), Ct), StringComparison.Ordinal);
        Assert.StartsWith("421", await smtp.SendAsync("AUTH PLAIN " + Plain("x", "y"), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idle_client_is_told_421_and_disconnected()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Ingest:IdleTimeout"] = "00:00:01" }), cancellationToken: Ct);
        await using var smtp = await SmtpScript.ConnectAsync(vigil.Smtp, Ct);

        Assert.StartsWith("421 4.4.2", await smtp.ReadReplyAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_over_the_per_address_limit_are_refused_with_421()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Ingest:MaxConnectionsPerIp"] = "2" }), cancellationToken: Ct);
        await using var first = await SmtpScript.ConnectAsync(vigil.Smtp, Ct);
        await using var second = await SmtpScript.ConnectAsync(vigil.Smtp, Ct);

        using var third = new System.Net.Sockets.TcpClient();
        await third.ConnectAsync(System.Net.IPAddress.Loopback, vigil.Smtp.Port, Ct);
        using var reader = new StreamReader(third.GetStream());

        Assert.StartsWith("421 4.7.0", await reader.ReadLineAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_already_in_the_spool_when_the_server_begins_to_stop_is_answered_250_not_421()
    {
        // The stop begins between the spool and the reply: the ingestor's "spooled" log line (event 7002, written
        // after the message is on disk) starts the SMTP listener's stop and waits until it has reached the session.
        // A 421 here would make the camera send again a message that was kept: a duplicate event.
        Task? stopped = null;
        SmtpListener? listener = null;
        var hook = new SpooledHook(() =>
        {
            var port = listener!.LocalEndPoint!.Port;
            stopped = listener.StopAsync(CancellationToken.None);
            // The listener closes its socket once its stop signal has reached every session (CancelAsync ran the
            // callbacks): from then on a connection is refused.
            Assert.True(SpinWait.SpinUntil(() => !Accepts(port), TimeSpan.FromSeconds(10)), "the SMTP listener did not close its socket");
        });
        await using var vigil = await RunningVigil.StartAsync(
            "Sqlite",
            SnapshotAssets.ServerSettings(),
            services: s => s.AddLogging(b => b.AddProvider(hook).AddFilter<SpooledHook>(null, LogLevel.Debug)),
            cancellationToken: Ct);
        listener = vigil.App.Services.GetRequiredService<SmtpListener>();
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "bob@example.com", "Garage", Ct);
        var dog = await File.ReadAllBytesAsync(SnapshotAssets.Picture("dog.jpg"), Ct);
        await using var smtp = await SmtpScript.ConnectAsync(vigil.Smtp, Ct);
        Assert.StartsWith("250", await smtp.SendAsync("EHLO test.lan", Ct), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.SendAsync("MAIL FROM:<cam@example.com>", Ct), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.SendAsync($"RCPT TO:<{camera.IngestAddress}>", Ct), StringComparison.Ordinal);
        Assert.StartsWith("354", await smtp.SendAsync("DATA", Ct), StringComparison.Ordinal);

        await smtp.WriteAsync(CameraMail.With(("dog.jpg", "image/jpeg", dog)).Replace("\r\n.", "\r\n..", StringComparison.Ordinal) + "\r\n.\r\n", Ct);

        Assert.StartsWith("250 2.0.0 OK queued as", await smtp.ReadReplyAsync(Ct), StringComparison.Ordinal);
        Assert.NotNull(stopped);
        // ...and then the session is told the server is stopping.
        Assert.StartsWith("421", await smtp.ReadReplyAsync(Ct), StringComparison.Ordinal);
        await stopped.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    private static bool Accepts(int port)
    {
        using var probe = new System.Net.Sockets.TcpClient();
        try
        {
            probe.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>Calls its hook when <c>SnapshotIngestor</c> logs "spooled" (event 7002): the message is on disk.</summary>
    private sealed class SpooledHook(Action hook) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName == typeof(SnapshotIngestor).FullName ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 7002)
            {
                hook();
            }
        }

        public void Dispose()
        {
        }
    }
}
