using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;
using Vigil.Server.Tests.Features.Identity;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Cameras;

/// <summary>
/// <c>GET /api/cameras/status</c> read with .NET's own SSE parser (System.Net.ServerSentEvents), with
/// a real camera connecting and disconnecting over MQTT.
/// </summary>
public sealed class CameraStatusTests
{
    private static readonly TimeSpan Promised = TimeSpan.FromSeconds(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Timing (within 2 s): run with nothing else (test.sh's second phase).
    [Trait(Vigil.TestSupport.TestSchedule.Trait, Vigil.TestSupport.TestSchedule.Alone)]
    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task The_stream_says_when_the_users_camera_goes_online_and_offline_within_two_seconds_and_beats_while_quiet(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, new Dictionary<string, string?> { ["Cameras:StatusHeartbeat"] = "00:00:01" }, Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-1", "CAM-2");
        using var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);
        using var bob = await CameraApiClient.SignUpAsync(vigil, "bob@example.com", Ct);
        var id = (await ann.BindOrFailAsync("CAM-1", "secret-CAM-1", Ct)).GetProperty("id").GetString();
        await bob.BindOrFailAsync("CAM-2", "secret-CAM-2", Ct);
        var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var annsDevice = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-1", cancellationToken: Ct);
        using var bobsDevice = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-2", cancellationToken: Ct);

        await using var stream = await StatusStream.OpenAsync(ann.Http, $"/api/cameras/status", ann.Token, Ct);
        var first = await stream.NextAsync("status", Ct);
        Assert.Equal(id, first.GetProperty("id").GetString());
        Assert.False(first.GetProperty("online").GetBoolean());
        Assert.True(first.GetProperty("provisioned").GetBoolean());

        // Bob's camera comes and goes first: Ann's stream must not hear of it.
        using (var other = await DeviceClients.ConnectAsync(vigil, bobsDevice, "CAM-2", cancellationToken: Ct))
        {
            await other.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions(), Ct);
        }

        using var mqtt = await DeviceClients.ConnectAsync(vigil, annsDevice, "CAM-1", cancellationToken: Ct);
        var clock = Stopwatch.StartNew();
        var online = await stream.NextAsync("status", Ct);
        var toOnline = clock.Elapsed;
        Assert.Equal(id, online.GetProperty("id").GetString());
        Assert.True(online.GetProperty("online").GetBoolean());
        Assert.True(toOnline < Promised, $"online after {toOnline}");

        await mqtt.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions(), Ct);
        clock.Restart();
        var offline = await stream.NextAsync("status", Ct);
        var toOffline = clock.Elapsed;
        Assert.Equal(id, offline.GetProperty("id").GetString());
        Assert.False(offline.GetProperty("online").GetBoolean());
        Assert.True(toOffline < Promised, $"offline after {toOffline}");

        var heartbeat = await stream.NextAsync("heartbeat", Ct);
        Assert.True(heartbeat.TryGetProperty("at", out _));
        Assert.DoesNotContain(stream.Seen, e => e.Type == "status" && e.Data.GetProperty("id").GetString() != id);
    }

    [Fact]
    public async Task The_stream_takes_the_token_from_the_query_for_event_source_and_refuses_without_one()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);

        await using (var stream = await StatusStream.OpenAsync(ann.Http, $"/api/cameras/status?access_token={Uri.EscapeDataString(ann.Token)}", null, Ct))
        {
            Assert.Equal("text/event-stream", stream.ContentType);
        }

        using var anonymous = await ann.Http.GetAsync("/api/cameras/status", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var forged = await ann.Http.GetAsync($"/api/cameras/status?access_token={ann.Token[..^4]}AAAA", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public async Task The_stream_ends_when_the_access_token_expires()
    {
        await using var vigil = await IdentityTestServer.StartAsync("Sqlite", new Dictionary<string, string?> { ["Identity:AccessTokenLifetime"] = "00:01:00" }, Ct);
        using var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);
        var expires = TimeProvider.System.GetUtcNow().AddSeconds(ann.User.Tokens.ExpiresIn ?? 60);

        await using var stream = await StatusStream.OpenAsync(ann.Http, "/api/cameras/status", ann.Token, Ct);
        var end = await stream.NextAsync("end", Ct, TimeSpan.FromSeconds(90));

        Assert.Equal("token-expired", end.GetProperty("reason").GetString());
        Assert.True(TimeProvider.System.GetUtcNow() >= expires.AddSeconds(-2), $"ended at {TimeProvider.System.GetUtcNow():O}, the token expires at {expires:O}");
        Assert.True(await stream.EndedAsync(Ct), "the server kept the stream open after 'end'");
    }

    /// <summary>An open event stream; events are read in the background into a queue.</summary>
    private sealed class StatusStream : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly Channel<(string Type, JsonElement Data)> _events = Channel.CreateUnbounded<(string, JsonElement)>();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _reader;

        private StatusStream(HttpResponseMessage response, Stream body)
        {
            _response = response;
            _reader = Task.Run(async () =>
            {
                try
                {
                    await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
                    {
                        var parsed = JsonDocument.Parse(item.Data).RootElement.Clone();
                        Seen.Enqueue((item.EventType, parsed));
                        await _events.Writer.WriteAsync((item.EventType, parsed), _stop.Token);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
                {
                }
                finally
                {
                    _events.Writer.TryComplete();
                }
            });
        }

        public System.Collections.Concurrent.ConcurrentQueue<(string Type, JsonElement Data)> Seen { get; } = [];

        public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

        public static async Task<StatusStream> OpenAsync(HttpClient client, string path, string? token, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                // Read the body only on failure: an open stream's body never ends.
                var problem = await response.Content.ReadAsStringAsync(cancellationToken);
                response.Dispose();
                Assert.Fail($"status stream: {(int)response.StatusCode} {problem}");
            }

            return new StatusStream(response, await response.Content.ReadAsStreamAsync(cancellationToken));
        }

        /// <summary>The next event of <paramref name="type"/>, skipping others (heartbeats while waiting for a status).</summary>
        public async Task<JsonElement> NextAsync(string type, CancellationToken cancellationToken, TimeSpan? timeout = null)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(15));
            while (await _events.Reader.WaitToReadAsync(deadline.Token))
            {
                while (_events.Reader.TryRead(out var item))
                {
                    if (item.Type == type)
                    {
                        return item.Data;
                    }
                }
            }

            throw new InvalidOperationException($"the stream ended before a '{type}' event; it sent: {string.Join(", ", Seen.Select(e => $"{e.Type} {e.Data}"))}");
        }

        /// <summary>True when the server closed the stream (within a few seconds).</summary>
        public async Task<bool> EndedAsync(CancellationToken cancellationToken) =>
            await Task.WhenAny(_reader, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken)) == _reader;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _response.Dispose();
            await _reader;
            _stop.Dispose();
        }
    }
}
