using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Server.Features.Ingest;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Ingest;

/// <summary>The SendGrid-compatible webhook (driven by curl) and the HTTP upload produce the same events as e-mail.</summary>
public sealed class HttpIngestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>These tests post to the plain HTTP port, as a camera without TLS does (HttpsRequirementTests has the default).</summary>
    private static Dictionary<string, string?> PlainHttp => new() { ["Server:RequireHttps"] = "false" };

    [Fact]
    public async Task Smtp_the_sendgrid_webhook_raw_and_parsed_and_the_upload_produce_the_same_event()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Ingest:AllowLoopbackAuthWithoutTls"] = "true", ["Server:RequireHttps"] = "false" }), cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "carol@example.com", "Porch", Ct);
        var dog = SnapshotAssets.Picture("dog.jpg");
        var webhook = new Uri(vigil.Http, "/api/ingest/sendgrid/" + vigil.App.Services.GetRequiredService<IngestWebhookKey>().Secret);

        var mail = await Swaks.SendAsync(vigil.Smtp, ["--auth", "LOGIN", "--auth-user", camera.SmtpUsername, "--auth-password", camera.SmtpPassword, "--from", "cam@example.com", "--to", "carol@example.com", "--attach-type", "image/jpeg", "--attach", "@" + dog], Ct);
        Assert.True(mail.ExitCode == 0, mail.StandardError);

        var parsed = await Curl(
            "-F", "from=Porch camera <cam@example.com>", "-F", $"to={camera.IngestAddress}", "-F", "subject=Motion", "-F", "text=Motion detected",
            "-F", $"envelope={{\"to\":[\"{camera.IngestAddress}\"],\"from\":\"cam@example.com\"}}", "-F", "attachments=1",
            "-F", "attachment-info={\"attachment1\":{\"filename\":\"dog.jpg\",\"name\":\"dog.jpg\",\"type\":\"image/jpeg\"}}",
            "-F", $"attachment1=@{dog};type=image/jpeg", webhook.ToString());
        Assert.Equal("202", parsed.StatusCode);

        using var client = new HttpClient();
        var raw = new MultipartFormDataContent
        {
            { new StringContent(camera.IngestAddress), "to" },
            { new StringContent(CameraMail.With(("dog.jpg", "image/jpeg", await File.ReadAllBytesAsync(dog, Ct)))), "email" },
        };
        var rawResponse = await client.PostAsync(webhook, raw, Ct);
        Assert.Equal(HttpStatusCode.Accepted, rawResponse.StatusCode);
        Assert.Single((await rawResponse.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("ids").EnumerateArray());

        var upload = await Curl("-H", $"Authorization: Bearer {camera.UploadToken}", "-H", "Content-Type: image/jpeg", "--data-binary", "@" + dog, new Uri(vigil.Http, "/api/ingest/snapshot").ToString());
        Assert.Equal("202", upload.StatusCode);

        var events = await SnapshotTestData.WaitForEventsAsync(vigil.App.Services, 4, Ct);
        // Several workers detect at once, so the events are stored in whichever order they finish.
        Assert.Equal(["Smtp", "Upload", "Webhook", "Webhook"], events.Select(e => e.Source).Order(StringComparer.Ordinal));
        var reference = events.Single(e => e.Source == "Smtp");
        Assert.Contains(reference.Detections, d => d.Label == "Dog");
        foreach (var e in events)
        {
            Assert.Equal(reference.CameraId, e.CameraId);
            Assert.Equal(camera.Camera.OwnerId, e.OwnerId);
            Assert.Equal((768, 576), (e.Pictures.Single().Width, e.Pictures.Single().Height));
            Assert.Equal(
                reference.Detections.Select(d => (d.Label, MathF.Round(d.Confidence, 3), MathF.Round(d.X))),
                e.Detections.Select(d => (d.Label, MathF.Round(d.Confidence, 3), MathF.Round(d.X))));
        }
    }

    [Fact]
    public async Task Wrong_webhook_secrets_unknown_addresses_wrong_upload_tokens_and_non_pictures_are_refused()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(PlainHttp), cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "carol@example.com", "Porch", Ct);
        var secret = vigil.App.Services.GetRequiredService<IngestWebhookKey>().Secret;
        using var client = new HttpClient { BaseAddress = vigil.Http };
        MultipartFormDataContent Form(string to, byte[] picture) => new()
        {
            { new StringContent(to), "to" },
            { new ByteArrayContent(picture) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "attachment1", "snap.jpg" },
        };
        var dog = await File.ReadAllBytesAsync(SnapshotAssets.Picture("dog.jpg"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/ingest/sendgrid/not-the-secret", Form(camera.IngestAddress, dog), Ct)).StatusCode);
        var unknown = await client.PostAsync($"/api/ingest/sendgrid/{secret}", Form("guess@" + camera.IngestAddress.Split('@')[1], dog), Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        var text = await client.PostAsync($"/api/ingest/sendgrid/{secret}", Form(camera.IngestAddress, "not a picture"u8.ToArray()), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, text.StatusCode);
        Assert.Equal(IngestProblemTypes.NoPicture, (await text.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("type").GetString());

        using var noToken = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/snapshot") { Content = new ByteArrayContent(dog) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(noToken, Ct)).StatusCode);
        using var wrongToken = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/snapshot") { Content = new ByteArrayContent(dog), Headers = { Authorization = new AuthenticationHeaderValue("Bearer", camera.UploadToken + "x") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrongToken, Ct)).StatusCode);
        using var bomb = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/snapshot") { Content = new ByteArrayContent(SnapshotPictures.DecompressionBombPng()), Headers = { Authorization = new AuthenticationHeaderValue("Bearer", camera.UploadToken) } };
        var bombResponse = await client.SendAsync(bomb, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bombResponse.StatusCode);
        Assert.Contains("20000x20000", await bombResponse.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        Assert.Empty(await SnapshotTestData.EventsAsync(vigil.App.Services, Ct));
        Assert.Empty(Directory.GetFiles(Path.Combine(vigil.DataPath, "spool", "ready")));
    }

    [Fact]
    public async Task A_camera_over_its_per_minute_limit_gets_429()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Ingest:MaxMessagesPerCameraPerMinute"] = "2", ["Server:RequireHttps"] = "false" }), cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "carol@example.com", "Porch", Ct);
        using var client = new HttpClient { BaseAddress = vigil.Http };
        var picture = SnapshotPictures.Jpeg(320, 240);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/snapshot") { Content = new ByteArrayContent(picture), Headers = { Authorization = new AuthenticationHeaderValue("Bearer", camera.UploadToken) } };
            statuses.Add((await client.SendAsync(request, Ct)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, (HttpStatusCode)429], statuses);
    }

    private static async Task<(string StatusCode, string Body)> Curl(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(RequiredTool.Find("curl", "curl"), ["-sS", "-o", "/dev/stderr", "-w", "%{http_code}", .. arguments], cancellationToken: Ct);
        return (result.StandardOutput.Trim(), result.StandardError);
    }
}
