using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Vigil.Contracts.Kvs;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Signaling.Stun;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// GetIceServerConfig (<c>POST /v1/get-ice-server-config</c> on the HTTPS endpoint): the TURN servers of a
/// coturn run with <c>use-auth-secret</c>, with credentials in the TURN REST scheme (username
/// <c>&lt;expiry&gt;:&lt;client&gt;</c>, password base64(HMAC-SHA1(shared secret, username))), and Vigil's own
/// STUN server. Always at least one entry of 1 to 4 URIs, Ttl as a bare integer: the KVS C SDK refuses
/// anything else and would not start.
/// </summary>
internal sealed class IceServerApi(ChannelStore store, IOptions<SignalingOptions> options, IOptions<ServerOptions> server, StunServer stun, SignalingMetrics metrics, TimeProvider time)
{
    /// <summary>The C SDK accepts at most 4 URIs per server and uses at most 5 servers.</summary>
    public const int MaxUrisPerServer = 4;
    public const int MaxServers = 5;

    public async Task<KvsResult> GetAsync(GetIceServerConfigRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (!ChannelRules.IsArn(request.ChannelARN))
        {
            return KvsErrors.InvalidArgument("ChannelARN is required and must be a signaling channel ARN.");
        }

        if (request.ClientId is not null && !ChannelRules.IsName(request.ClientId))
        {
            return KvsErrors.InvalidArgument("ClientId must be 1 to 256 characters of a-z, A-Z, 0-9, '_', '.' and '-'.");
        }

        if (request.Service is not (null or "TURN"))
        {
            return KvsErrors.InvalidArgument("Service must be TURN.");
        }

        var arn = request.ChannelARN!;
        if (!caller.IsAllowed(KvsActions.GetIceServerConfig, arn))
        {
            return KvsErrors.NotAuthorized(caller, KvsActions.GetIceServerConfig, arn);
        }

        var channel = await store.FindByArnAsync(arn, cancellationToken);
        if (channel is null)
        {
            return KvsErrors.ResourceNotFound();
        }

        return KvsResult.Ok(new GetIceServerConfigResponse { IceServerList = Servers(request.ClientId ?? channel.Name) }, KvsJsonContext.Default.GetIceServerConfigResponse);
    }

    internal List<IceServer> Servers(string client)
    {
        var settings = options.Value;
        var lifetime = (int)settings.TurnCredentialLifetime.TotalSeconds;
        var username = $"{time.GetUtcNow().ToUnixTimeSeconds() + lifetime}:{client}";
        var password = settings.TurnSharedSecret is { Length: > 0 } secret
            ? TurnPassword(secret, username)
            // No TURN: the STUN entry needs credentials of the same shape, but nothing checks them.
            : Convert.ToBase64String(RandomNumberGenerator.GetBytes(20));
        var servers = settings.TurnUris.Chunk(MaxUrisPerServer)
            .Select(uris => new IceServer { Uris = uris, Username = username, Password = password, Ttl = lifetime })
            .Take(MaxServers - 1)
            .ToList();
        if (servers.Count > 0 && settings.TurnSharedSecret is { Length: > 0 })
        {
            metrics.TurnCredentialsIssued(1); // one username/password pair, valid for every TURN server listed
        }

        if (StunUri() is { } stunUri)
        {
            servers.Add(new IceServer { Uris = [stunUri], Username = username, Password = password, Ttl = lifetime });
        }

        return servers;
    }

    /// <summary>coturn's <c>use-auth-secret</c> check: base64(HMAC-SHA1(static-auth-secret, username)).</summary>
    /// <remarks>HMAC-SHA1 is what the TURN REST scheme and coturn specify (and HMAC-SHA1 remains a sound MAC); it is not our choice to make.</remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "The TURN REST API (coturn use-auth-secret) defines HMAC-SHA1.")]
    public static string TurnPassword(string secret, string username) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));

    private string? StunUri()
    {
        var settings = options.Value;
        if (settings.StunUri is { Length: > 0 } configured)
        {
            return configured;
        }

        if (!settings.StunEnabled)
        {
            return null;
        }

        var port = stun.Port != 0 ? stun.Port : settings.StunPort;
        var host = server.Value.EffectivePublicHost;
        return Uri.CheckHostName(host) == UriHostNameType.IPv6 ? $"stun:[{host}]:{port}" : $"stun:{host}:{port}";
    }
}
