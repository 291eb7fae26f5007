using System.Text;
using Microsoft.AspNetCore.Http;
using Vigil.Server.Features.Credentials;
using Vigil.SigV4;

namespace Vigil.Server.Tests.Support;

/// <summary>
/// Signs a KVS DescribeSignalingChannel request (the KVS C SDK's shape) with given credentials and
/// runs it through Vigil's SigV4 authentication and the credentials' own policy: what the
/// control plane does before it answers.
/// </summary>
internal static class SignedKvsRequests
{
    public static Task<(bool Authenticated, bool Allowed)> DescribeSignalingChannelAsync(RunningVigil vigil, SigV4Credentials credentials, string channelName, CancellationToken cancellationToken) =>
        DescribeSignalingChannelAsync(vigil.App.Services, vigil.Https.Authority, credentials, channelName, cancellationToken);

    /// <summary>As above, with the services of any Vigil process on the same data directory (they share the key ring).</summary>
    public static async Task<(bool Authenticated, bool Allowed)> DescribeSignalingChannelAsync(IServiceProvider services, string host, SigV4Credentials credentials, string channelName, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes($"{{\n\t\"ChannelName\":\t\"{channelName}\"\n}}");
        var now = TimeProvider.System.GetUtcNow();
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
            now);

        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "POST";
        context.Request.Path = "/describeSignalingChannel";
        context.Request.Headers.Host = host;
        context.Request.Headers.ContentType = "application/json";
        context.Request.Headers["x-amz-date"] = signature.AmzDate;
        if (signature.SecurityToken is { } token)
        {
            context.Request.Headers["x-amz-security-token"] = token;
        }

        if (signature.ContentSha256 is { } hash)
        {
            context.Request.Headers["x-amz-content-sha256"] = hash;
        }

        context.Request.Headers.Authorization = signature.Authorization;
        var result = await services.GetRequiredService<SigV4Authenticator>().AuthenticateAsync(context.Request, body, cancellationToken);
        if (!result.Succeeded)
        {
            return (false, false);
        }

        var arn = $"arn:aws:kinesisvideo:us-east-1:000000000000:channel/{channelName}/1700000000000";
        return (true, result.Principal!.IsAllowed("kinesisvideo:DescribeSignalingChannel", arn));
    }
}
