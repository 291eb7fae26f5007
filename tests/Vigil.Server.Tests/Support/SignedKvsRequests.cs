using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Vigil.SigV4;

namespace Vigil.Server.Tests.Support;

/// <summary>
/// Sends a KVS DescribeSignalingChannel request (the KVS C SDK's shape: JSON body, signed with
/// SigV4 for <c>kinesisvideo</c>) to a running Vigil over HTTPS: the whole path a camera takes after
/// it got credentials, through authentication, the credentials' policy and the control plane.
/// </summary>
internal static class SignedKvsRequests
{
    public static async Task<(HttpStatusCode Status, string Body)> DescribeSignalingChannelAsync(RunningVigil vigil, SigV4Credentials credentials, string channelName, CancellationToken cancellationToken)
    {
        using var http = vigil.CreateClient();
        return await DescribeSignalingChannelAsync(http, credentials, channelName, cancellationToken);
    }

    /// <summary>As above, with a client whose base address is any Vigil's HTTPS listener.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> DescribeSignalingChannelAsync(HttpClient http, SigV4Credentials credentials, string channelName, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes($"{{\n\t\"ChannelName\":\t\"{channelName}\"\n}}");
        var host = http.BaseAddress!.Authority;
        var headers = new SigV4HeaderCollection
        {
            { "host", host },
            { "content-type", "application/json" },
        };

        var signature = new SigV4Signer().Sign(
            new SigV4SigningRequest { Method = "POST", Path = "/describeSignalingChannel", Headers = headers, Body = body },
            credentials,
            "us-east-1",
            "kinesisvideo",
            TimeProvider.System.GetUtcNow());

        using var request = new HttpRequestMessage(HttpMethod.Post, "/describeSignalingChannel")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Host = host;
        request.Headers.Add("x-amz-date", signature.AmzDate);
        if (signature.SecurityToken is { } token)
        {
            request.Headers.Add("x-amz-security-token", token);
        }

        if (signature.ContentSha256 is { } hash)
        {
            request.Headers.Add("x-amz-content-sha256", hash);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        using var response = await http.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
