using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// The endpoints GetSignalingChannelEndpoint hands out: <c>wss://host/signaling/master</c> and
/// <c>…/viewer</c> (the role in the path, so that the URL alone says which API is being called, and the
/// KVS C SDK can append its query to it), and <c>https://host</c> for GetIceServerConfig.
/// </summary>
internal sealed class SignalingUrls(IOptions<SignalingOptions> options, IOptions<ServerOptions> server, IServiceProvider services)
{
    public const string MasterPath = "/signaling/master";
    public const string ViewerPath = "/signaling/viewer";

    private string? _authority;

    /// <summary><c>host</c> or <c>host:port</c> (no port when 443).</summary>
    public string Authority => _authority ??= ResolveAuthority();

    public string Https => $"https://{Authority}";

    public string Wss(bool master) => $"wss://{Authority}{(master ? MasterPath : ViewerPath)}";

    private string ResolveAuthority()
    {
        if (options.Value.PublicBaseUrl is { Length: > 0 } configured)
        {
            return new Uri(configured).Authority;
        }

        var port = server.Value.HttpsPort;
        if (port == 0)
        {
            // A free port was chosen at start-up (tests): use the one Kestrel bound.
            var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var https = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal));
            port = https is null ? 443 : new Uri(https.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal)).Port;
        }

        var host = server.Value.EffectivePublicHost;
        if (Uri.CheckHostName(host) == UriHostNameType.IPv6)
        {
            host = $"[{host}]";
        }

        return port == 443 ? host : $"{host}:{port}";
    }
}
