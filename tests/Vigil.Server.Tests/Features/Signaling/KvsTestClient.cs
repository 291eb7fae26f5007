using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Credentials.Policies;
using Vigil.SigV4;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Signaling;

/// <summary>The answer of a KVS call: status, AWS error name, request id and the JSON body as sent.</summary>
internal sealed record KvsResponse(int Status, string? ErrorType, string? RequestId, string? ContentType, string Text, HttpResponseMessage Raw)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    public string? Message => Json.TryGetProperty(nameof(Message), out var m) ? m.GetString() : Json.TryGetProperty("message", out var l) ? l.GetString() : null;
}

/// <summary>A KVS client for tests: JSON POSTs to a running Vigil, SigV4-signed through Vigil.SigV4's HttpClient handler.</summary>
internal sealed class KvsTestClient : IDisposable
{
    private readonly HttpClient _http;

    private KvsTestClient(HttpClient http) => _http = http;

    public static KvsTestClient For(RunningVigil vigil, SigV4Credentials? credentials, string region = "us-east-1", TimeProvider? clock = null)
    {
        var handler = VigilTrust.Handler(vigil.RootCertificate);
        HttpMessageHandler pipeline = handler;
        if (credentials is not null)
        {
            pipeline = new SigV4SigningHandler(credentials, region, "kinesisvideo", clock ?? TimeProvider.System) { InnerHandler = handler };
        }

        return new KvsTestClient(new HttpClient(pipeline) { BaseAddress = vigil.Https, Timeout = TimeSpan.FromSeconds(30) });
    }

    public async Task<KvsResponse> PostAsync(string path, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await _http.PostAsync(path, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new KvsResponse(
            (int)response.StatusCode,
            response.Headers.TryGetValues("x-amzn-ErrorType", out var type) ? type.Single() : null,
            response.Headers.TryGetValues("x-amzn-RequestId", out var id) ? id.Single() : null,
            response.Content.Headers.ContentType?.MediaType,
            text,
            response);
    }

    public async Task<string> CreateChannelAsync(string name, CancellationToken cancellationToken, int ttl = 60)
    {
        var response = await PostAsync("/createSignalingChannel", $$$"""{"ChannelName":"{{{name}}}","SingleMasterConfiguration":{"MessageTtlSeconds":{{{ttl}}}}}""", cancellationToken);
        Assert.True(response.Status == 200, response.Text);
        return response.Json.GetProperty("ChannelARN").GetString()!;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Credentials for tests, made through the real services of a running Vigil.</summary>
internal static class TestCredentials
{
    public static async Task<SigV4Credentials> AdminKeyAsync(RunningVigil vigil, string user = "admin@example.com", AccessPolicy? policy = null)
    {
        var account = await SnapshotTestData.AccountAsync(vigil.App.Services, user, TestContext.Current.CancellationToken);
        await using var scope = vigil.App.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<AccessKeyStore>().CreateAsync(account, policy ?? AccessPolicy.KinesisVideoFullAccess, null, TestContext.Current.CancellationToken);
        return new SigV4Credentials(created.Key.Id, created.SecretAccessKey);
    }

    public static SigV4Credentials Temporary(RunningVigil vigil, CredentialPrincipal principal, string policyJson, TimeSpan? duration = null, string? sessionPolicyJson = null) =>
        vigil.App.Services.GetRequiredService<TemporaryCredentialIssuer>()
            .Issue(principal, AccessPolicy.Parse(policyJson), duration ?? TimeSpan.FromHours(1), sessionPolicyJson is null ? null : AccessPolicy.Parse(sessionPolicyJson))
            .ToSigV4Credentials();

    /// <summary>The sample camera role of the reference design: its own channel only.</summary>
    public const string CameraPolicy = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
          "kinesisvideo:DescribeSignalingChannel","kinesisvideo:CreateSignalingChannel","kinesisvideo:GetSignalingChannelEndpoint",
          "kinesisvideo:GetIceServerConfig","kinesisvideo:ConnectAsMaster"],
          "Resource":"arn:aws:kinesisvideo:*:*:channel/${credentials-iot:ThingName}/*"}]}
        """;

    public static string ViewerPolicy(string channelName) => $$"""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
          "kinesisvideo:DescribeSignalingChannel","kinesisvideo:GetSignalingChannelEndpoint","kinesisvideo:GetIceServerConfig","kinesisvideo:ConnectAsViewer"],
          "Resource":"arn:aws:kinesisvideo:*:*:channel/{{channelName}}/*"}]}
        """;
}
