using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using SkiaSharp;
using Vigil.Server.Features.Events;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Features.Identity;
using Vigil.Server.Tests.Features.SnapshotApi;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Events;

/// <summary>
/// The annotated copy of a picture is made when it is first asked for (<c>GET …?size=annotated</c>),
/// not for every event at ingest; then it is served from disk, and deleted with its event.
/// </summary>
public sealed class AnnotatedPictureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_annotated_picture_is_made_on_the_first_request_not_at_ingest_served_unchanged_after_and_deleted_with_its_event()
    {
        await using var vigil = await IdentityTestServer.StartAsync("Sqlite", SnapshotAssets.ServerSettings(), Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("ann@example.com", Ct);
        var client = user.Browser.Client;
        var token = user.Tokens.AccessToken;
        var camera = await (await client.SendAsync(HttpMethod.Post, "/api/cameras/snapshot", token, new { name = "Garden" }, Ct)).JsonAsync(Ct);
        var dog = await File.ReadAllBytesAsync(SnapshotAssets.Picture("dog.jpg"), Ct);
        using (var upload = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/snapshot") { Content = new ByteArrayContent(dog) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } } })
        {
            upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", camera.GetProperty("uploadToken").GetString());
            using var accepted = await client.SendAsync(upload, Ct);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var recorded = Assert.Single(await SnapshotTestData.WaitForEventsAsync(vigil.App.Services, 1, Ct));
        var box = recorded.Detections.First(d => d.Label == "Dog");
        var store = vigil.App.Services.GetRequiredService<PictureStore>();
        var cache = vigil.App.Services.GetRequiredService<AnnotatedPictureCache>();
        var row = await PictureRowAsync(vigil, recorded.Id);
        var original = store.Resolve(row.Path)!;
        var annotatedFile = Path.Combine(Path.GetDirectoryName(original)!, "0.annotated.jpg");

        // Stored, with its thumbnail, but no annotated copy yet; the API still offers one.
        Assert.True(File.Exists(original));
        Assert.NotNull(row.ThumbnailPath);
        Assert.Null(row.AnnotatedPath);
        Assert.False(File.Exists(annotatedFile));
        Assert.Equal(0, cache.Made);
        var listed = await (await client.SendAsync(HttpMethod.Get, $"/api/events/{recorded.Id}", token, cancellationToken: Ct)).JsonAsync(Ct);
        var url = listed.GetProperty("pictures")[0].GetProperty("annotatedUrl").GetString()!;
        Assert.Equal($"/api/events/{recorded.Id}/pictures/0?size=annotated", url);

        using var first = await client.SendAsync(HttpMethod.Get, url, token, cancellationToken: Ct);
        var firstBytes = await first.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("image/jpeg", first.Content.Headers.ContentType?.MediaType);
        Assert.True(File.Exists(annotatedFile));
        Assert.Equal(firstBytes, await File.ReadAllBytesAsync(annotatedFile, Ct));
        Assert.Equal(1, cache.Made);
        row = await PictureRowAsync(vigil, recorded.Id);
        Assert.Equal(annotatedFile, store.Resolve(row.AnnotatedPath!));
        // The boxes are drawn: the left edge of the dog's box changed colour, the size did not.
        using (var drawn = SKBitmap.Decode(firstBytes))
        using (var plain = SKBitmap.Decode(dog))
        {
            Assert.Equal((plain.Width, plain.Height), (drawn.Width, drawn.Height));
            var (x, y) = ((int)Math.Min(box.X + 1, plain.Width - 1), (int)(box.Y + (box.Height / 2)));
            Assert.NotEqual(plain.GetPixel(x, y), drawn.GetPixel(x, y));
        }

        using var second = await client.SendAsync(HttpMethod.Get, url, token, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(firstBytes, await second.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(1, cache.Made);

        using var deleted = await client.SendAsync(HttpMethod.Delete, $"/api/events/{recorded.Id}", token, cancellationToken: Ct);
        using var gone = await client.SendAsync(HttpMethod.Get, url, token, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.False(File.Exists(annotatedFile));
        Assert.False(Directory.Exists(Path.GetDirectoryName(annotatedFile)));
    }

    [Fact]
    public async Task Concurrent_first_requests_make_the_annotated_picture_once_and_a_missing_or_corrupt_original_answers_404()
    {
        await using var vigil = await IdentityTestServer.StartAsync("Sqlite", cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("cy@example.com", Ct);
        var owner = Guid.Parse(new JsonWebToken(user.Tokens.AccessToken).Subject);
        var client = user.Browser.Client;
        var token = user.Tokens.AccessToken;
        var cache = vigil.App.Services.GetRequiredService<AnnotatedPictureCache>();
        var store = vigil.App.Services.GetRequiredService<PictureStore>();
        var busy = await AddEventAsync(vigil, owner, SnapshotPictures.Jpeg(1280, 960));
        var corrupt = await AddEventAsync(vigil, owner, "not a picture at all"u8.ToArray());
        var missing = await AddEventAsync(vigil, owner, SnapshotPictures.Jpeg(64, 48));
        File.Delete(store.Resolve((await PictureRowAsync(vigil, missing)).Path)!);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using var response = await client.SendAsync(HttpMethod.Get, $"/api/events/{busy}/pictures/0?size=annotated", token, cancellationToken: Ct);
            return (response.StatusCode, Bytes: await response.Content.ReadAsByteArrayAsync(Ct));
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(responses, r => Assert.Equal(responses[0].Bytes, r.Bytes));
        Assert.Equal(1, cache.Made);
        foreach (var id in new[] { corrupt, missing })
        {
            using var response = await client.SendAsync(HttpMethod.Get, $"/api/events/{id}/pictures/0?size=annotated", token, cancellationToken: Ct);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"event {id}: {(int)response.StatusCode}");
            Assert.Null((await PictureRowAsync(vigil, id)).AnnotatedPath);
        }

        Assert.Equal(1, cache.Made);
    }

    private static async Task<EventPicture> PictureRowAsync(RunningVigil vigil, long eventId) =>
        await vigil.InScopeAsync(services => services.GetRequiredService<VigilDbContext>().Events.AsNoTracking()
            .Where(e => e.Id == eventId).SelectMany(e => e.Pictures).SingleAsync(Ct));

    /// <summary>An event of <paramref name="owner"/> with one picture (these bytes) and one Person detection in it.</summary>
    private static async Task<long> AddEventAsync(RunningVigil vigil, Guid owner, byte[] picture)
    {
        var store = vigil.App.Services.GetRequiredService<PictureStore>();
        var key = Guid.CreateVersion7();
        var at = vigil.App.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var path = await store.WriteAsync(store.DirectoryFor(key, at), "0.jpg", picture, durable: true, Ct);
        var e = new SnapshotEvent
        {
            Key = key,
            CameraId = Guid.CreateVersion7(),
            CameraName = "Porch",
            OwnerId = owner,
            OccurredAt = at,
            Source = "Upload",
            DetectionAvailable = true,
            Labels = "Person",
            StoredBytes = picture.Length,
            Pictures = [new EventPicture { Index = 0, ContentType = "image/jpeg", Path = path, Width = 1280, Height = 960 }],
            Detections = [new EventDetection { PictureIndex = 0, Label = "Person", Confidence = 0.9f, X = 100, Y = 100, Width = 300, Height = 500 }],
        };
        return await vigil.InScopeAsync(async services =>
        {
            var db = services.GetRequiredService<VigilDbContext>();
            db.Events.Add(e);
            await db.SaveChangesAsync(Ct);
            return e.Id;
        });
    }
}
