using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Ingest;

/// <summary>
/// The durability promise with the real <c>vigil serve</c> process and a real SMTP client
/// (MailKit): SIGKILL while 500 e-mails arrive; after a restart every e-mail that got its 250
/// has exactly one event, and no e-mail has two.
/// </summary>
public sealed class SpoolDurabilityTests
{
    private const int Messages = 500;
    private const int Connections = 4;
    private const int KillAfter = 150;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigkill_while_500_emails_arrive_loses_no_acknowledged_email_and_duplicates_none()
    {
        using var data = new TempDirectory("durability");
        var settings = new Dictionary<string, string?>
        {
            ["VIGIL__Server__PublicHost"] = "localhost",
            ["VIGIL__Vision__ModelPath"] = SnapshotAssets.RequireModel(),
            ["VIGIL__Ingest__AllowLoopbackAuthWithoutTls"] = "true",
            ["VIGIL__Ingest__MaxMessagesPerCameraPerMinute"] = "100000",
            ["VIGIL__Ingest__MaxMessagesPerIpPerMinute"] = "100000",
        };
        var account = await VigilExecutable.RunAsync(data.Path, ["user", "add", "dan@example.com"], settings, cancellationToken: Ct);
        Assert.True(account.ExitCode == 0, account.StandardError);
        var added = await VigilExecutable.RunAsync(data.Path, ["cameras", "add-snapshot", "--owner", "dan@example.com", "--name", "Yard", "--json"], settings, cancellationToken: Ct);
        Assert.True(added.ExitCode == 0, added.StandardError);
        var camera = JsonDocument.Parse(added.StandardOutput).RootElement;
        var username = camera.GetProperty("smtpUsername").GetString()!;
        var password = camera.GetProperty("smtpPassword").GetString()!;
        var picture = SnapshotPictures.Jpeg(320, 240);

        var smtpPort = VigilExecutable.FreePort();
        var server = StartServer(data.Path, settings, smtpPort);
        var acknowledged = new ConcurrentDictionary<int, bool>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await WaitForSmtpAsync(smtpPort, server);
            var senders = Enumerable.Range(0, Connections).Select(worker => Task.Run(async () =>
            {
                using var client = new SmtpClient();
                try
                {
                    await client.ConnectAsync("127.0.0.1", smtpPort, SecureSocketOptions.None, Ct);
                    await client.AuthenticateAsync(username, password, Ct);
                    for (var i = worker; i < Messages; i += Connections)
                    {
                        await client.SendAsync(Message(i, picture), Ct);
                        acknowledged[i] = true; // SendAsync returns only after the server's 250
                        if (acknowledged.Count >= KillAfter)
                        {
                            enough.TrySetResult();
                        }
                    }
                }
                catch (Exception e) when (e is IOException or SocketException or MailKit.ServiceNotConnectedException or MailKit.ProtocolException or MailKit.CommandException)
                {
                    // The server was killed under us: this message got no 250.
                }
            }, Ct)).ToList();

            await enough.Task.WaitAsync(TimeSpan.FromSeconds(120), Ct);
            server.Kill(); // SIGKILL: no shutdown code runs
            await server.WaitForExitAsync(Ct);
            await Task.WhenAll(senders);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }

            server.Dispose();
        }

        Assert.InRange(acknowledged.Count, KillAfter, Messages);
        var restarted = StartServer(data.Path, settings, VigilExecutable.FreePort());
        try
        {
            var ready = Path.Combine(data.Path, "spool", "ready");
            await Eventually.WaitAsync(() => Task.FromResult(!Directory.EnumerateFiles(ready).Any()), TimeSpan.FromSeconds(180), "the spool replay to finish", Ct);

            var listed = await VigilExecutable.RunAsync(data.Path, ["events", "list", "--json", "--limit", "500"], settings, cancellationToken: Ct);
            Assert.True(listed.ExitCode == 0, listed.StandardError);
            var subjects = JsonDocument.Parse(listed.StandardOutput).RootElement.GetProperty("events").EnumerateArray()
                .Select(e => e.GetProperty("subject").GetString()!)
                .GroupBy(s => s)
                .ToDictionary(g => g.Key, g => g.Count());
            Assert.All(subjects, s => Assert.True(s.Value == 1, $"{s.Key} has {s.Value} events"));
            var lost = acknowledged.Keys.Where(i => !subjects.ContainsKey(Subject(i))).Order().ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged e-mails have no event: {string.Join(", ", lost.Take(20))}");
        }
        finally
        {
            restarted.Kill();
            await restarted.WaitForExitAsync(Ct);
            restarted.Dispose();
        }
    }

    private static string Subject(int i) => "durability-" + i.ToString(CultureInfo.InvariantCulture);

    private static MimeMessage Message(int i, byte[] picture)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("yard-camera@example.com"));
        message.To.Add(MailboxAddress.Parse("dan@example.com"));
        message.Subject = Subject(i);
        var body = new BodyBuilder { TextBody = "Motion" };
        body.Attachments.Add("snapshot.jpg", picture, new ContentType("image", "jpeg"));
        message.Body = body.ToMessageBody();
        return message;
    }

    private static Process StartServer(string data, Dictionary<string, string?> settings, int smtpPort) =>
        VigilExecutable.StartServer(data, VigilExecutable.FreePort(), VigilExecutable.FreePort(), new Dictionary<string, string?>(settings)
        {
            ["VIGIL__Ingest__SmtpPort"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        });

    private static Task WaitForSmtpAsync(int port, Process server) =>
        Eventually.WaitAsync(
            async () =>
            {
                if (server.HasExited)
                {
                    throw new InvalidOperationException($"vigil serve exited with {server.ExitCode}");
                }

                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync("127.0.0.1", port, Ct);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            "vigil serve accepting SMTP",
            Ct);
}
