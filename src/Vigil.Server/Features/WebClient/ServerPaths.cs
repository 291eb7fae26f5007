using System.Collections.Frozen;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Vigil.Server.Features.WebClient;

/// <summary>
/// Which paths belong to the server rather than to the web client's routes. The client answers
/// every GET that nothing else claims, so the server keeps: the prefixes below, whether or not a
/// route exists under them today (an unknown <c>/api/…</c> must stay a 404 problem, not become
/// the client's page), and the first segment of every mapped endpoint (the KVS operations such as
/// <c>/describeSignalingChannel</c>, health, the credentials provider), read from routing at the
/// first request, when every endpoint is mapped. (The same set is computed twice if two first
/// requests race; both get the same answer.)
/// </summary>
internal sealed class ServerPaths(EndpointDataSource endpoints)
{
    private static readonly string[] Reserved =
    [
        "api", "connect", "account", ".well-known", "signaling", "v1", "openapi", "role-aliases", "healthz", "readyz", "assets",
    ];

    private FrozenSet<string>? _segments;

    public bool IsServerPath(PathString path)
    {
        var value = path.Value;
        if (string.IsNullOrEmpty(value) || value == "/")
        {
            return false;
        }

        var end = value.IndexOf('/', 1);
        var first = end < 0 ? value[1..] : value[1..end];
        return (_segments ??= Collect()).Contains(first);
    }

    private FrozenSet<string> Collect()
    {
        var segments = new HashSet<string>(Reserved, StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.RoutePattern.PathSegments is [{ Parts: [RoutePatternLiteralPart literal] }, ..])
            {
                segments.Add(literal.Content);
            }
        }

        return segments.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}
