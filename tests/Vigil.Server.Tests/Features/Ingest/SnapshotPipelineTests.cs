using MimeKit;
using SkiaSharp;
using Vigil.Server.Features.Events;
using Vigil.Server.Features.Notifications;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Ingest;

/// <summary>
/// The whole pipeline with clients and servers we did not write: swaks sends the camera's e-mail
/// over STARTTLS + AUTH, Vigil detects, stores the event and notifies through a real SMTP relay
/// (aiosmtpd).
/// </summary>
public sealed class SnapshotPipelineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_camera_email_becomes_a_person_event_and_one_annotated_notification_and_a_second_within_the_cooldown_is_suppressed()
    {
        await using var sink = await SmtpSink.StartAsync(Ct);
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?>
        {
            ["Notifications:SmtpHost"] = "127.0.0.1",
            ["Notifications:SmtpPort"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:SmtpSecurity"] = "None",
        }), cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "alice@example.com", "Front door", Ct);
        await SnapshotTestData.AddRuleAsync(vigil.App.Services, new RuleSpecification(camera.Camera.OwnerId, null, [], ["Person"], 0.5, null, null, null, EmailOwner: true), Ct);
        var person = SnapshotAssets.Picture("person.jpg");

        var first = await Swaks.SendPictureAsync(vigil.Smtp, camera.SmtpUsername, camera.SmtpPassword, person, "Motion detected", Ct);

        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
        Assert.Contains("STARTTLS", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("235 2.7.0", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("250 2.0.0 OK queued as", first.StandardOutput, StringComparison.Ordinal);
        var events = await SnapshotTestData.WaitForEventsAsync(vigil.App.Services, 1, Ct);
        var recorded = Assert.Single(events);
        Assert.Equal("Front door", recorded.Camera);
        Assert.Equal(camera.Camera.OwnerId, recorded.OwnerId);
        Assert.Equal("Smtp", recorded.Source);
        Assert.Contains(recorded.Detections, d => d.Label == "Person" && d.Confidence >= 0.5);

        var mailFile = await Eventually.WaitAsync(() => Task.FromResult(sink.Messages() is [var m, ..] ? m : null), TimeSpan.FromSeconds(30), "the notification e-mail", Ct);
        var mail = await MimeMessage.LoadAsync(mailFile, Ct);
        Assert.Contains("Person", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Front door", mail.Subject, StringComparison.Ordinal);
        Assert.Equal("alice@example.com", mail.To.Mailboxes.Single().Address);
        var attachment = Assert.Single(mail.Attachments.OfType<MimePart>());
        Assert.Equal("image/jpeg", attachment.ContentType.MimeType);
        using var picture = new MemoryStream();
        await attachment.Content!.DecodeToAsync(picture, Ct);
        using var annotated = SKBitmap.Decode(picture.ToArray());
        using var original = SKBitmap.Decode(person);
        Assert.Equal((original.Width, original.Height), (annotated.Width, annotated.Height));
        Assert.NotEqual(original.GetPixel(Box(recorded).X, Box(recorded).Y), annotated.GetPixel(Box(recorded).X, Box(recorded).Y));
        // The e-mail asked for the annotated copy, made then (not at ingest) and kept for viewers.
        var made = await vigil.App.Services.GetRequiredService<AnnotatedPictureCache>().GetAsync(recorded.Id, 0, Ct);
        Assert.Equal(picture.ToArray(), await File.ReadAllBytesAsync(made!, Ct));
        Assert.Equal(1, vigil.App.Services.GetRequiredService<AnnotatedPictureCache>().Made);

        var second = await Swaks.SendPictureAsync(vigil.Smtp, camera.SmtpUsername, camera.SmtpPassword, person, "Motion detected again", Ct);

        Assert.True(second.ExitCode == 0, second.StandardOutput + second.StandardError);
        await SnapshotTestData.WaitForEventsAsync(vigil.App.Services, 2, Ct);
        var deliveries = await SnapshotTestData.DeliveriesAsync(vigil.App.Services, Ct);
        Assert.Equal(2, deliveries.Count);
        Assert.Equal(DeliveryStatus.Sent, deliveries[0].Status);
        Assert.Equal(DeliveryStatus.Suppressed, deliveries[1].Status);
        Assert.StartsWith("cooldown", deliveries[1].Reason, StringComparison.Ordinal);
        Assert.Single(sink.Messages());
    }

    // A point on the left edge of the person's box, where the annotation draws its frame.
    private static (int X, int Y) Box(Vigil.Server.Features.Events.EventView e)
    {
        var person = e.Detections.First(d => d.Label == "Person");
        return ((int)Math.Min(person.X + 1, e.Pictures[0].Width - 1), (int)(person.Y + (person.Height / 2)));
    }
}
