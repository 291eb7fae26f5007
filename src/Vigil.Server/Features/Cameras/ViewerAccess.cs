using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Credentials.Policies;
using Vigil.Server.Features.Identity;
using Vigil.Server.Features.Signaling;
using Vigil.Server.Hosting;
using Vigil.SigV4;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// What a signed-in owner needs to watch one live camera and nothing else (the reference design's
/// "session policies for the web client" and "pre-signed signaling channel URLs"):
/// <list type="bullet">
/// <item>viewer credentials: temporary credentials of the user whose principal policy allows the four
/// viewer actions (<see cref="ViewerActions"/>) on any channel, narrowed by a session policy to this
/// camera's channel ARN; a request is allowed only when both allow it, so they reach one channel;</item>
/// <item>a viewer URL: a ConnectAsViewer WebSocket URL the server pre-signs with such credentials
/// (their secret never leaves the server), plus the ICE servers with their TURN credentials.</item>
/// </list>
/// Owner-scoped: another user's camera is not found. A disabled account gets nothing (the API's
/// policy refuses it before this runs; checked here again because the account is read anyway).
/// </summary>
internal sealed class ViewerAccess(
    CameraDirectory cameras,
    IUserDirectory users,
    TemporaryCredentialIssuer issuer,
    IceServerApi iceServers,
    SignalingUrls urls,
    IOptions<CamerasOptions> options,
    IOptions<AwsOptions> aws,
    TimeProvider time)
{
    /// <summary>Everything a KVS viewer calls, and nothing a master or an administrator calls.</summary>
    public static readonly IReadOnlyList<string> ViewerActions =
    [
        KvsActions.DescribeSignalingChannel,
        KvsActions.GetSignalingChannelEndpoint,
        KvsActions.GetIceServerConfig,
        KvsActions.ConnectAsViewer,
    ];

    /// <summary>What a signed-in user's temporary credentials may ever do: view (any channel; the session policy picks one).</summary>
    public static AccessPolicy UserViewerPolicy { get; } = PolicyFor("arn:aws:kinesisvideo:*:*:channel/*");

    /// <summary>The camera viewer credentials were issued for, so that unbinding it ends their open connections (<see cref="ViewerBindingReview"/>).</summary>
    public const string CameraIdVariable = "vigil:CameraId";

    private static readonly SigV4Signer Signer = new();

    public async Task<ViewerAccessResult<ViewerCredentialsView>> IssueCredentialsAsync(Guid cameraId, Guid userId, CancellationToken cancellationToken)
    {
        var (outcome, user, channel) = await FindAsync(cameraId, userId, cancellationToken);
        if (outcome != ViewerAccessOutcome.Issued)
        {
            return new(outcome, null);
        }

        var credentials = Issue(user!, cameraId, channel!);
        return new(outcome, new ViewerCredentialsView(
            credentials.AccessKeyId,
            credentials.SecretAccessKey,
            credentials.SessionToken,
            credentials.Expiration,
            aws.Value.Region,
            channel!.Name,
            channel.Arn));
    }

    /// <summary>A pre-signed viewer URL for <paramref name="clientId"/> (the viewer's <c>X-Amz-ClientId</c>; null for a new random one).</summary>
    public async Task<ViewerAccessResult<ViewerUrlView>> IssueUrlAsync(Guid cameraId, Guid userId, string? clientId, CancellationToken cancellationToken)
    {
        var (outcome, user, channel) = await FindAsync(cameraId, userId, cancellationToken);
        if (outcome != ViewerAccessOutcome.Issued)
        {
            return new(outcome, null);
        }

        clientId ??= $"viewer-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var credentials = Issue(user!, cameraId, channel!);
        var lifetime = TimeSpan.FromSeconds(Math.Floor(options.Value.ViewerUrlLifetime.TotalSeconds));
        var signed = Signer.Presign(
            new Uri(urls.Wss(master: false)),
            [new("X-Amz-ChannelARN", channel!.Arn), new("X-Amz-ClientId", clientId)],
            new SigV4Credentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken),
            aws.Value.Region,
            "kinesisvideo",
            time.GetUtcNow(),
            lifetime);
        var servers = iceServers.Servers(clientId).Select(s => new IceServerView(s.Uris, s.Username, s.Password)).ToList();
        return new(outcome, new ViewerUrlView(signed.Url, signed.ExpiresAt, clientId, channel.Name, channel.Arn, servers));
    }

    private TemporaryCredentials Issue(UserSummary user, Guid cameraId, SignalingChannel channel)
    {
        var principal = new CredentialPrincipal(PrincipalKind.User, user.Email,
        [
            new(CredentialPrincipal.UserNameVariable, user.Email),
            new(CredentialPrincipal.UserIdVariable, user.Id.ToString()),
            new(CameraIdVariable, cameraId.ToString()),
        ]);
        return issuer.Issue(principal, UserViewerPolicy, options.Value.ViewerCredentialLifetime, PolicyFor(channel.Arn));
    }

    private async Task<(ViewerAccessOutcome Outcome, UserSummary? User, SignalingChannel? Channel)> FindAsync(Guid cameraId, Guid userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null || user.IsDisabled)
        {
            return (ViewerAccessOutcome.AccountInactive, null, null);
        }

        var camera = await cameras.FindAsync(cameraId, userId, cancellationToken);
        if (camera is null)
        {
            return (ViewerAccessOutcome.NotFound, null, null);
        }

        if (camera.Camera.Kind != CameraKind.Live)
        {
            return (ViewerAccessOutcome.NotLive, null, null);
        }

        return camera is { Provisioned: true, Channel: { } channel }
            ? (ViewerAccessOutcome.Issued, user, channel)
            : (ViewerAccessOutcome.NotProvisioned, null, null);
    }

    private static AccessPolicy PolicyFor(string resource)
    {
        var document = new System.Text.Json.Nodes.JsonObject
        {
            ["Version"] = AccessPolicy.CurrentVersion,
            ["Statement"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["Effect"] = "Allow",
                ["Action"] = new System.Text.Json.Nodes.JsonArray([.. ViewerActions.Select(a => (System.Text.Json.Nodes.JsonNode)a)]),
                ["Resource"] = resource,
            }),
        };
        return AccessPolicy.Parse(document.ToJsonString());
    }
}
