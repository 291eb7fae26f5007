using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Vigil.SigV4;

namespace Vigil.TestSupport;

/// <summary>
/// The control-plane calls a KVS viewer app makes before the user clicks "watch" (the SDK's viewer
/// example makes them with the AWS SDK): DescribeSignalingChannel, GetSignalingChannelEndpoint as VIEWER,
/// GetIceServerConfig, signed with the viewer's credentials. The result is what the page's SDK needs.
/// </summary>
public static class ViewerControlPlane
{
    /// <summary>Describes the channel, gets its VIEWER endpoints and ICE servers; the page's configuration.</summary>
    public static async Task<KvsViewerConfig> PrepareAsync(X509Certificate2 root, Uri https, SigV4Credentials credentials, string channel, string clientId,
        string iceTransportPolicy, CancellationToken cancellationToken)
    {
        var trust = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, CustomTrustStore = { root }, RevocationMode = X509RevocationMode.NoCheck },
            },
        };
        using var http = new HttpClient(new SigV4SigningHandler(credentials, "us-east-1", "kinesisvideo", TimeProvider.System) { InnerHandler = trust })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var channelArn = (await PostAsync(http, new Uri(https, "/describeSignalingChannel"), new JsonObject { ["ChannelName"] = channel }, cancellationToken))
            ["ChannelInfo"]!["ChannelARN"]!.GetValue<string>();
        var endpoints = (await PostAsync(http, new Uri(https, "/getSignalingChannelEndpoint"), new JsonObject
        {
            ["ChannelARN"] = channelArn,
            ["SingleMasterChannelEndpointConfiguration"] = new JsonObject { ["Protocols"] = new JsonArray("WSS", "HTTPS"), ["Role"] = "VIEWER" },
        }, cancellationToken))["ResourceEndpointList"]!.AsArray();
        string Endpoint(string protocol) => endpoints.Single(e => e!["Protocol"]!.GetValue<string>() == protocol)!["ResourceEndpoint"]!.GetValue<string>();
        var ice = (await PostAsync(http, new Uri(new Uri(Endpoint("HTTPS")), "/v1/get-ice-server-config"),
            new JsonObject { ["ChannelARN"] = channelArn, ["ClientId"] = clientId }, cancellationToken))["IceServerList"]!.AsArray();
        var servers = ice.Select(s => new KvsIceServer(
            [.. s!["Uris"]!.AsArray().Select(u => u!.GetValue<string>())], s["Username"]!.GetValue<string>(), s["Password"]!.GetValue<string>())).ToList();
        return new KvsViewerConfig(channelArn, Endpoint("WSS"), "us-east-1", clientId, credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken,
            servers, iceTransportPolicy);
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, Uri url, JsonObject body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body.ToJsonString());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(url, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{url.AbsolutePath}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!;
    }
}
