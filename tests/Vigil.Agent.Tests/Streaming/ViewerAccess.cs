using System.Text.Json;
using Vigil.SigV4;

namespace Vigil.Agent.Tests.Streaming;

/// <summary>
/// How a test viewer gets credentials for a camera: the one place to change when per-camera viewer
/// credentials exist (issue 15, <c>POST /api/cameras/{id}/viewer-credentials</c>). Until then, as
/// docs/credentials.md says, a viewer signs with a long-term key of its own account, limited by a policy
/// to the viewer's actions (ConnectAsViewer, Describe, GetSignalingChannelEndpoint, GetIceServerConfig)
/// on that camera's channel only.
/// </summary>
internal static class ViewerAccess
{
    public static string Policy(string channel) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Action": ["kinesisvideo:ConnectAsViewer", "kinesisvideo:DescribeSignalingChannel",
                       "kinesisvideo:GetSignalingChannelEndpoint", "kinesisvideo:GetIceServerConfig"],
            "Resource": "arn:aws:kinesisvideo:*:*:channel/{{channel}}/*"
          }]
        }
        """;

    /// <summary>Creates a viewer account and its key, limited to viewing <paramref name="channel"/>.</summary>
    public static async Task<SigV4Credentials> CreateAsync(ServerProcess server, string channel, CancellationToken cancellationToken)
    {
        var email = $"viewer-{channel.ToLowerInvariant()}@example.com";
        var user = await server.RunAsync(["user", "add", email], cancellationToken);
        Assert.True(user.ExitCode == 0, user.StandardError);
        var policy = Path.Combine(server.Data, $"viewer-{channel}.json");
        await File.WriteAllTextAsync(policy, Policy(channel), cancellationToken);
        var key = await server.RunAsync(["keys", "create", "--user", email, "--policy", policy, "--json"], cancellationToken);
        Assert.True(key.ExitCode == 0, key.StandardError);
        using var json = JsonDocument.Parse(key.StandardOutput);
        var accessKey = json.RootElement.GetProperty("AccessKey");
        return new SigV4Credentials(accessKey.GetProperty("AccessKeyId").GetString()!, accessKey.GetProperty("SecretAccessKey").GetString()!);
    }
}
