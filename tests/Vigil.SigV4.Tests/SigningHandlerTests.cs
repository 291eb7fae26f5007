using System.Net;
using System.Net.Http.Json;
using Vigil.SigV4.Tests.Support;

namespace Vigil.SigV4.Tests;

/// <summary>
/// <see cref="SigV4SigningHandler"/> through a real HttpClient and socket: the verifier sees the request
/// exactly as it crossed the wire (Host with port, escaped target, buffered body).
/// </summary>
public sealed class SigningHandlerTests
{
    private readonly Scenario _scenario = new();

    [Fact]
    public async Task Signing_handler_signs_a_json_post_that_the_verifier_accepts_over_loopback()
    {
        await using var server = VerifyingServer();
        using var client = Client(server, new SigV4SigningHandler(Scenario.Temporary, Scenario.Region, Scenario.Service, _scenario.Clock));

        using var response = await client.PostAsJsonAsync("describeSignalingChannel?ChannelARN=arn%3Ax&x=a%20b",
            new { ChannelName = "camera-0001" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("device:camera-0001 signed content-type;host;x-amz-date;x-amz-security-token",
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Signing_handler_in_c_sdk_style_sends_the_token_unsigned_and_verifies()
    {
        await using var server = VerifyingServer();
        using var client = Client(server, new SigV4SigningHandler(Scenario.Temporary, Scenario.Region, Scenario.Service, _scenario.Clock,
            new SigV4SignerOptions { SignSessionToken = false, AddContentSha256Header = true }));

        using var response = await client.PostAsync("v1/get-ice-server-config", new StringContent("{\"ChannelARN\":\"x\"}"), TestContext.Current.CancellationToken);

        Assert.Equal("device:camera-0001 signed content-type;host;x-amz-content-sha256;x-amz-date",
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Signing_handler_signs_a_get_without_body_and_replaces_stale_authentication_headers()
    {
        await using var server = VerifyingServer();
        var fetches = 0;
        using var client = Client(server, new SigV4SigningHandler(_ =>
        {
            fetches++;
            return ValueTask.FromResult(Scenario.LongTerm);
        }, Scenario.Region, Scenario.Service, _scenario.Clock));

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "channels/a b/ü?q=x+y&amp;z");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer stale");
            request.Headers.TryAddWithoutValidation("X-Amz-Date", "19700101T000000Z");
            request.Headers.TryAddWithoutValidation("X-Amz-Target", "Vigil.Test");
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal("user:alice signed host;x-amz-date;x-amz-target", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        Assert.Equal(2, fetches);
    }

    [Fact]
    public async Task Request_changed_after_signing_is_refused_by_the_server()
    {
        await using var server = VerifyingServer();
        var tamper = new TamperingHandler { InnerHandler = new SocketsHttpHandler() };
        using var client = new HttpClient(new SigV4SigningHandler(Scenario.LongTerm, Scenario.Region, Scenario.Service, _scenario.Clock) { InnerHandler = tamper })
        {
            BaseAddress = server.BaseAddress,
        };

        using var response = await client.PostAsync("describeSignalingChannel", new StringContent("{}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("InvalidSignatureException", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Synchronous_send_is_refused_instead_of_sending_unsigned()
    {
        using var invoker = new HttpMessageInvoker(new SigV4SigningHandler(Scenario.LongTerm, Scenario.Region, Scenario.Service, _scenario.Clock)
        {
            InnerHandler = new SocketsHttpHandler(),
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:9/");

        Assert.Throws<NotSupportedException>(() => invoker.Send(request, TestContext.Current.CancellationToken));
    }

    private LoopbackHttpServer VerifyingServer()
    {
        var verifier = _scenario.Verifier();
        return new LoopbackHttpServer(async request =>
        {
            var result = await verifier.VerifyAsync(request, TestContext.Current.CancellationToken);
            if (!result.Succeeded)
            {
                return (403, result.Failure.ErrorTypeName);
            }

            request.Headers.TryGetValues("Authorization", out var authorization);
            var signed = authorization![0].Split("SignedHeaders=")[1].Split(',')[0];
            return (200, $"{result.Principal} signed {signed}");
        });
    }

    private static HttpClient Client(LoopbackHttpServer server, SigV4SigningHandler handler)
    {
        handler.InnerHandler = new SocketsHttpHandler();
        return new HttpClient(handler) { BaseAddress = server.BaseAddress };
    }

    /// <summary>Changes a signed header after the signer ran, like a meddling proxy would.</summary>
    private sealed class TamperingHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Content!.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/html");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
