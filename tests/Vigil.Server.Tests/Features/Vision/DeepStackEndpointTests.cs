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

    [Fact]
    public async Task A_request_a_proxy_forwarded_from_loopback_is_not_trusted_as_local()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(), cancellationToken: Ct);
        using var client = new HttpClient { BaseAddress = vigil.Http };

        foreach (var header in new[] { "X-Forwarded-For", "Forwarded", "X-Real-IP" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/vision/detection") { Content = Form(SnapshotAssets.Picture("eagle.jpg")) };
            request.Headers.TryAddWithoutValidation(header, header == "Forwarded" ? "for=203.0.113.9" : "203.0.113.9");
            using var response = await client.SendAsync(request, Ct);
            Assert.Equal((header, HttpStatusCode.Forbidden), (header, response.StatusCode));
        }
    }

    [Fact]
    public async Task The_size_and_the_key_are_checked_before_the_body_is_read()
    {
        const string key = "0123456789abcdef-key";
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?>
        {
            ["Vision:DetectionApiAllowLoopback"] = "false",
            ["Vision:DetectionApiKey"] = key,
        }), cancellationToken: Ct);

        // Each request announces more than it sends: an answer proves the server did not wait for the rest.
        var oversized = await PartialRequestAsync(vigil, 100L * 1024 * 1024, "", "--b\r\n");
        var wrongBearer = await PartialRequestAsync(vigil, 1_000_000, $"Authorization: Bearer {key}x\r\n", "--b\r\n");
        var wrongFormKey = await PartialRequestAsync(
            vigil,
            1_000_000,
            "",
            $"--b\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\n{key}x\r\n--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.jpg\"\r\n\r\n\xff\xd8");

        Assert.StartsWith("HTTP/1.1 413", oversized.Status, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 401", wrongBearer.Status, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 401", wrongFormKey.Status, StringComparison.Ordinal);
        oversized.Dispose();
        wrongBearer.Dispose();
        wrongFormKey.Dispose();
    }

    [Fact]
    public async Task Requests_beyond_the_concurrency_limit_get_503_with_retry_after()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Vision:DetectionApiConcurrency"] = "1" }), cancellationToken: Ct);
        using var client = new HttpClient { BaseAddress = vigil.Http };

        // A loopback client takes the one slot and is slow to send its picture (fast enough for
        // Kestrel's minimum data rate); then a second request must be told to come back. The slow
        // client races the previous attempt's request for the slot: an attempt where it lost (it
        // was answered, or the probe got the slot) is made again.
        HttpResponseMessage? busy = null;
        var attempts = new List<string>();
        var started = TimeProvider.System.GetTimestamp();
        while (busy is null)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(30), "no 503 while the slot was held: " + string.Join("; ", attempts));
            using var slow = await PartialRequestAsync(vigil, 1_000_000, "", "--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.jpg\"\r\n\r\n\xff\xd8", expectAnswer: false);
            using var stopTrickle = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var trickle = Task.Run(async () =>
            {
                var stream = slow.Connection.GetStream();
                while (!stopTrickle.IsCancellationRequested)
                {
                    await stream.WriteAsync(new byte[1024], stopTrickle.Token);
                    await Task.Delay(250, stopTrickle.Token);
                }
            }, CancellationToken.None);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300), Ct); // its handler takes the slot meanwhile
                if (slow.Connection.Available > 0)
                {
                    attempts.Add("the slow client was answered at once");
                    continue;
                }

                var response = await client.PostAsync("/v1/vision/detection", Form(SnapshotAssets.Picture("eagle.jpg")), Ct);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    busy = response;
                }
                else
                {
                    attempts.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
                    response.Dispose();
                }
            }
            finally
            {
                await stopTrickle.CancelAsync();
                await trickle.ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"503 after {attempts.Count} lost race(s): {string.Join("; ", attempts)}");
        Assert.Equal(TimeSpan.FromSeconds(1), busy.Headers.RetryAfter?.Delta);
        Assert.False((await busy.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("success").GetBoolean());
        await Eventually.WaitAsync(
            async () => (await client.PostAsync("/v1/vision/detection", Form(SnapshotAssets.Picture("eagle.jpg")), Ct)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20),
            "the slot given back once the slow client left",
            Ct);
    }

    /// <summary>
    /// Sends a request's headers (Content-Length <paramref name="contentLength"/>) and only
    /// <paramref name="body"/> (Latin-1) of its body over a raw socket; with <paramref name="expectAnswer"/>
    /// waits (10 s at most) for the status line.
    /// </summary>
    private static async Task<PartialRequest> PartialRequestAsync(RunningVigil vigil, long contentLength, string headers, string body, bool expectAnswer = true)
    {
        var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(vigil.Http.Host, vigil.Http.Port, Ct);
        var stream = tcp.GetStream();
        var head = $"POST /v1/vision/detection HTTP/1.1\r\nHost: {vigil.Http.Authority}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {contentLength}\r\n{headers}\r\n";
        await stream.WriteAsync(System.Text.Encoding.Latin1.GetBytes(head + body), Ct);
        await stream.FlushAsync(Ct);
        if (!expectAnswer)
        {
            return new PartialRequest(tcp, "");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (!System.Text.Encoding.Latin1.GetString([.. received]).Contains("\r\n", StringComparison.Ordinal))
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                tcp.Dispose();
                throw new Xunit.Sdk.XunitException("no answer within 10 s: the server waits for the rest of the body");
            }

            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        return new PartialRequest(tcp, System.Text.Encoding.Latin1.GetString([.. received]).Split("\r\n")[0]);
    }

    private sealed record PartialRequest(System.Net.Sockets.TcpClient Connection, string Status) : IDisposable
    {
        public void Dispose() => Connection.Dispose();
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
