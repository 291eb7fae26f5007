using Microsoft.Extensions.Options;

namespace Vigil.Server.Hosting;

/// <summary>
/// <c>Server:RequireHttps</c> (default on): on the plain HTTP port, what carries a secret is refused
/// rather than served in clear — <c>/api/*</c> (bearer tokens; the upload's and the webhook's own
/// tokens), the KVS control plane and signaling (SigV4 signatures and presigned URLs, marked with
/// <see cref="HttpsOnlyEndpoint"/>). The refusal is a 403 problem that names the same path on the
/// HTTPS port; it is not a redirect, because by the time a client reads a redirect it has already
/// sent its token or body in clear, and a client should be fixed rather than silently moved.
/// 403 rather than 421 (Misdirected Request): 421 tells an HTTP/2 client to retry on another
/// connection to the same origin, which would be the same plain-HTTP port. Health, readiness,
/// <c>/metrics</c> and the DeepStack-compatible detection API (loopback callers) stay on HTTP;
/// browsers' pages are redirected to HTTPS by the web client and the account pages.
/// </summary>
internal static class HttpsRequirement
{
    public const string ProblemType = ProblemTypes.Base + "https-required";

    public static WebApplication UseHttpsRequirement(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ServerOptions>>().Value.RequireHttps)
        {
            return app;
        }

        var address = app.Services.GetRequiredService<PublicAddress>();
        app.UseWhen(Applies, branch => branch.Run(context => RefuseAsync(context, address)));
        return app;
    }

    private static bool Applies(HttpContext context) =>
        !context.Request.IsHttps &&
        (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) ||
         context.GetEndpoint()?.Metadata.GetMetadata<HttpsOnlyEndpoint>() is not null);

    private static Task RefuseAsync(HttpContext context, PublicAddress address)
    {
        var request = context.Request;
        var https = address.HttpsPort is { } port
            ? $"https://{new HostString(request.Host.Host, port)}{request.PathBase}{request.Path}{request.QueryString}"
            : null;
        return TypedResults.Problem(
            title: "HTTPS required",
            detail: https is null
                ? "This route is served over HTTPS only (Server:RequireHttps)."
                : $"This route is served over HTTPS only (Server:RequireHttps): use {https}",
            statusCode: StatusCodes.Status403Forbidden,
            type: ProblemType,
            extensions: https is null ? null : new Dictionary<string, object?> { ["httpsUrl"] = https }).ExecuteAsync(context);
    }
}

/// <summary>Endpoint metadata: a route outside <c>/api</c> that <see cref="HttpsRequirement"/> keeps off plain HTTP.</summary>
internal sealed class HttpsOnlyEndpoint;
