namespace Vigil.TestSupport;

/// <summary>What a KVS viewer needs to join a channel: the results of DescribeSignalingChannel, GetSignalingChannelEndpoint (VIEWER) and GetIceServerConfig, and its credentials.</summary>
/// <param name="ChannelArn">The channel's ARN.</param>
/// <param name="WssEndpoint">The viewer WebSocket endpoint.</param>
/// <param name="Region">The SigV4 region.</param>
/// <param name="ClientId">The viewer's client id.</param>
/// <param name="AccessKeyId">Credentials the SDK presigns the WebSocket URL with.</param>
/// <param name="SecretAccessKey">Their secret.</param>
/// <param name="SessionToken">Their session token (temporary credentials), or null.</param>
/// <param name="IceServers">The RTCIceServer list (<c>urls</c>, <c>username</c>, <c>credential</c>).</param>
/// <param name="IceTransportPolicy"><c>all</c> or <c>relay</c>.</param>
public sealed record KvsViewerConfig(
    string ChannelArn,
    string WssEndpoint,
    string Region,
    string ClientId,
    string AccessKeyId,
    string SecretAccessKey,
    string? SessionToken,
    IReadOnlyList<KvsIceServer> IceServers,
    string IceTransportPolicy = "all");

/// <summary>One RTCIceServer.</summary>
/// <param name="Urls">STUN/TURN URIs.</param>
/// <param name="Username">TURN user.</param>
/// <param name="Credential">TURN password.</param>
public sealed record KvsIceServer(IReadOnlyList<string> Urls, string? Username, string? Credential);
