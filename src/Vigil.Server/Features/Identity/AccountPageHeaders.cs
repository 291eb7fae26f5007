namespace Vigil.Server.Features.Identity;

/// <summary>
/// Headers for the hosted pages on top of the server-wide ones: a strict content security
/// policy (no script at all; styles and images only from Vigil, QR codes as data: images) and no
/// caching of pages that show secrets. <c>form-action</c> is left out on purpose: browsers apply
/// it to the redirect chain after a form post, which ends at the client's redirect URI.
/// </summary>
internal static class AccountPageHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpContext context)
    {
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
    }
}
