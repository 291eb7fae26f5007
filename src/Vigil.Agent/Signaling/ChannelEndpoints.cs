namespace Vigil.Agent.Signaling;

/// <summary>The camera's signaling channel and where to reach it as master.</summary>
/// <param name="ChannelArn">The channel's ARN.</param>
/// <param name="Wss">The master WebSocket endpoint (<c>wss://…/signaling/master</c>).</param>
/// <param name="Https">The channel's HTTPS endpoint (GetIceServerConfig).</param>
internal sealed record ChannelEndpoints(string ChannelArn, Uri Wss, Uri Https);
