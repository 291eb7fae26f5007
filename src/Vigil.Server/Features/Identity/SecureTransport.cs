using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// The sign-in pages, the OpenID Connect endpoints and discovery exist only over HTTPS (their
/// cookies are Secure, and OAuth 2.0 requires TLS). On plain HTTP a GET or HEAD is redirected
/// (307) to the same path on the HTTPS port; anything else is refused with a problem, because
/// redirecting a form post would already have sent its password in clear.
/// </summary>
internal sealed class SecureTransport(PublicAddress address)
{
    private static readonly string[] Prefixes = ["/account", "/connect", "/.well-known"];

    public static bool Applies(HttpContext context) =>
        !context.Request.IsHttps && Prefixes.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    public async Task RefuseOrRedirectAsync(HttpContext context)
    {
        var request = context.Request;
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && address.HttpsPort is { } port)
        {
            var target = $"https://{new HostString(request.Host.Host, port)}{request.PathBase}{request.Path}{request.QueryString}";
            context.Response.Redirect(target, permanent: false, preserveMethod: true);
            return;
        }

        await TypedResults.Problem(
            title: "HTTPS required",
            detail: "Sign-in and OpenID Connect endpoints are served over HTTPS only.",
            statusCode: StatusCodes.Status403Forbidden,
            type: IdentityProblemTypes.HttpsRequired).ExecuteAsync(context);
    }
}
