using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// The endpoints GetSignalingChannelEndpoint hands out: <c>wss://host/signaling/master</c> and
/// <c>…/viewer</c> (the role in the path, so that the URL alone says which API is being called, and the
/// KVS C SDK can append its query to it), and <c>https://host</c> for GetIceServerConfig.
/// </summary>
internal sealed class SignalingUrls(IOptions<SignalingOptions> options, PublicAddress address)
{
    public const string MasterPath = "/signaling/master";
    public const string ViewerPath = "/signaling/viewer";

    /// <summary><c>host</c> or <c>host:port</c> (no port when 443): <c>Signaling:PublicBaseUrl</c>'s, else the server's public address.</summary>
    public string Authority => options.Value.PublicBaseUrl is { Length: > 0 } configured ? new Uri(configured).Authority : address.Authority;

    public string Https => $"https://{Authority}";

    public string Wss(bool master) => $"wss://{Authority}{(master ? MasterPath : ViewerPath)}";
}
