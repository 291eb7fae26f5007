using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Vision;

/// <summary><c>POST /v1/vision/detection</c> answers like DeepStack / CodeProject.AI, and only to whom it may.</summary>
public sealed class DeepStackEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_loopback_client_gets_deepstack_predictions_for_a_picture()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(), cancellationToken: Ct);
        using var client = new HttpClient { BaseAddress = vigil.Http };

        var response = await client.PostAsync("/v1/vision/detection", Form(SnapshotAssets.Picture("dog.jpg"), minConfidence: "0.5"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(body.GetProperty("success").GetBoolean());
        var predictions = body.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Contains(predictions, p => p.GetProperty("label").GetString() == "dog");
        Assert.All(predictions, p =>
        {
            Assert.True(p.GetProperty("confidence").GetSingle() >= 0.5f);
            Assert.True(p.GetProperty("x_max").GetInt32() > p.GetProperty("x_min").GetInt32());
            Assert.True(p.GetProperty("y_max").GetInt32() > p.GetProperty("y_min").GetInt32());
        });
    }

    [Fact]
    public async Task Without_loopback_access_a_key_is_required_and_checked()
    {
        const string key = "0123456789abcdef-key";
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?>
        {
            ["Vision:DetectionApiAllowLoopback"] = "false",
            ["Vision:DetectionApiKey"] = key,
        }), cancellationToken: Ct);
        using var client = new HttpClient { BaseAddress = vigil.Http };
        var picture = SnapshotAssets.Picture("eagle.jpg");

        var none = await client.PostAsync("/v1/vision/detection", Form(picture), Ct);
        var wrong = await client.PostAsync("/v1/vision/detection", Form(picture, apiKey: key + "x"), Ct);
        var right = await client.PostAsync("/v1/vision/detection", Form(picture, apiKey: key), Ct);
        using var bearer = new HttpRequestMessage(HttpMethod.Post, "/v1/vision/detection") { Content = Form(picture), Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
        var withBearer = await client.SendAsync(bearer, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.False((await none.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("success").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withBearer.StatusCode);
        Assert.Contains((await right.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("predictions").EnumerateArray(), p => p.GetProperty("label").GetString() == "bird");
    }

    [Fact]
    public async Task Without_a_key_and_without_loopback_access_everyone_is_refused()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Vision:DetectionApiAllowLoopback"] = "false" }), cancellationToken: Ct);
        using var client = new HttpClient { BaseAddress = vigil.Http };

        var response = await client.PostAsync("/v1/vision/detection", Form(SnapshotAssets.Picture("eagle.jpg"), apiKey: "anything-at-all-here"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Bad_requests_get_deepstack_errors()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(), cancellationToken: Ct);
        using var client = new HttpClient { BaseAddress = vigil.Http };
        var text = new MultipartFormDataContent { { new ByteArrayContent("not an image"u8.ToArray()), "image", "x.jpg" } };

        var notImage = await client.PostAsync("/v1/vision/detection", text, Ct);
        var noForm = await client.PostAsync("/v1/vision/detection", new StringContent("{}"), Ct);
        var badConfidence = await client.PostAsync("/v1/vision/detection", Form(SnapshotAssets.Picture("eagle.jpg"), minConfidence: "2"), Ct);

        foreach (var response in new[] { notImage, noForm, badConfidence })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.False(body.GetProperty("success").GetBoolean());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
        }
    }

    private static MultipartFormDataContent Form(string picture, string? minConfidence = null, string? apiKey = null)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(picture)) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "image", Path.GetFileName(picture) } };
        if (minConfidence is not null)
        {
            form.Add(new StringContent(minConfidence), "min_confidence");
        }

        if (apiKey is not null)
        {
            form.Add(new StringContent(apiKey), "api_key");
        }

        return form;
    }
}
