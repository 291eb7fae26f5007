using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting.FrontDoor;

namespace Vigil.Server.Hosting;

/// <summary>
/// Where browsers, cameras and integrations reach this server's HTTPS port: <c>Server:PublicHost</c>
/// (an IPv6 address in brackets) and <c>Server:HttpsPort</c>, or the port Kestrel bound when that is 0
/// (tests). With the front door on (<c>Server:FrontDoorPort</c>), its port instead: it serves everything the
/// HTTPS port does, and firmware that gets URLs from Vigil (the KVS C SDK's signaling endpoints) can only
/// follow them to 443 without a port in them. Features with their own public-URL setting
/// (<c>Signaling:PublicBaseUrl</c>, <c>Integrations:PictureBaseUrl</c>) use it only when theirs is unset.
/// </summary>
internal sealed class PublicAddress(IOptions<ServerOptions> server, IServiceProvider services)
{
    private int? _httpsPort;
    private string? _authority;

    /// <summary>
    /// <c>host</c> or <c>host:port</c> (no port when 443). Asked before Kestrel has bound a free port,
    /// it says the host alone and is not remembered.
    /// </summary>
    public string Authority => HttpsPort is { } port
        ? _authority ??= AuthorityOf(server.Value.EffectivePublicHost, port)
        : AuthorityOf(server.Value.EffectivePublicHost, 0);

    /// <summary><c>https://</c> and <see cref="Authority"/>, without a trailing slash.</summary>
    public string Https => $"https://{Authority}";

    /// <summary>
    /// The public HTTPS port: <c>Server:FrontDoorPort</c> when set, else <c>Server:HttpsPort</c>; when that is 0
    /// the port Kestrel bound; null while a free port has not been bound yet.
    /// </summary>
    public int? HttpsPort => _httpsPort ??= server.Value.FrontDoorPort switch
    {
        null => server.Value.HttpsPort is not 0 and var configured ? configured : BoundHttpsPort(),
        0 => services.GetService<FrontDoorEndpoint>()?.Port,
        var frontDoor => frontDoor,
    };

    /// <summary>
    /// <c>host:port</c>, or <c>host</c> alone for 443 or 0 (0: a port not known yet); an IPv6
    /// address in brackets, as a URI needs it (once, if it was configured with them).
    /// </summary>
    public static string AuthorityOf(string host, int port)
    {
        if (Uri.CheckHostName(host) == UriHostNameType.IPv6 && !host.StartsWith('['))
        {
            host = $"[{host}]";
        }

        return port is 443 or 0 ? host : $"{host}:{port}";
    }

    private int? BoundHttpsPort()
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var https = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal));
        return https is null ? null : new Uri(https.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal)).Port;
    }
}
