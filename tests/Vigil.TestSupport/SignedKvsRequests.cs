using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Vigil.SigV4;

namespace Vigil.TestSupport;

/// <summary>
/// Sends a KVS DescribeSignalingChannel request (JSON body, signed with SigV4 for <c>kinesisvideo</c>)
/// to a running Vigil over HTTPS: the whole path a camera takes after it got credentials, through
/// authentication, the credentials' policy and the control plane.
/// </summary>
internal static class SignedKvsRequests
{
    public static Task<(HttpStatusCode Status, string Body)> DescribeSignalingChannelAsync(RunningVigil vigil, SigV4Credentials credentials, string channelName, CancellationToken cancellationToken) =>
        DescribeSignalingChannelAsync(vigil.RootCertificate, vigil.Https, credentials, channelName, cancellationToken);

    /// <summary>As above, to any Vigil's HTTPS listener whose root CA is <paramref name="root"/>.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> DescribeSignalingChannelAsync(X509Certificate2 root, Uri https, SigV4Credentials credentials, string channelName, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SigV4SigningHandler(credentials, "us-east-1", "kinesisvideo", TimeProvider.System) { InnerHandler = VigilTrust.Handler(root) })
        {
            BaseAddress = https,
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var content = new StringContent($"{{\"ChannelName\":\"{channelName}\"}}", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync("/describeSignalingChannel", content, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
