using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;
using Vigil.Server.Features.Signaling;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.WebClient;

/// <summary>
/// Serves the web client (web/, built into <see cref="WebClientFiles.Root"/>) at <c>/</c>: its
/// files, and <c>index.html</c> for every client route (a GET that no endpoint and no server path
/// claims, see <see cref="ServerPaths"/>). HTTPS only, like the sign-in it depends on. Hashed files under
/// <c>/assets/</c> are cached for a year (and compressed, brotli or gzip); <c>index.html</c> is
/// never stored, so a new release is picked up at the next load. See docs/web-client.md.
/// </summary>
internal static partial class WebClientFeature
{
    private const string ImmutableCache = "public, max-age=31536000, immutable";

    public static WebApplicationBuilder AddWebClientServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<WebClientOptions>(WebClientOptions.Section);
        services.AddSingleton<WebClientFiles>();
        services.AddSingleton<ServerPaths>();
        // Scripts and styles only (see MapWebClient): static files with no secret in them, so
        // compressing them over HTTPS is safe (BREACH needs a secret and attacker input in one body).
        services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true;
            compression.MimeTypes = ["text/javascript", "application/javascript", "text/css", "image/svg+xml"];
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
        });
        return builder;
    }

    /// <summary>
    /// A server built without Node.js has no client: the account pages still work, so the site's
    /// root leads there.
    /// </summary>
    public static WebApplication MapWebClient(this WebApplication app)
    {
        var files = app.Services.GetRequiredService<WebClientFiles>();
        if (!files.Installed)
        {
            Log.NotInstalled(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebClientFeature).FullName!), files.Root);
            app.MapGet("/", () => TypedResults.Redirect("/account")).ExcludeFromDescription().AllowAnonymous();
        }

        return app;
    }

    /// <summary>
    /// The client's files and routes, as the last middleware: HTTP moves to HTTPS, scripts and
    /// styles are served (compressed, cached for good), and a GET that no endpoint claims gets
    /// index.html.
    /// </summary>
    public static WebApplication UseWebClient(this WebApplication app)
    {
        var files = app.Services.GetRequiredService<WebClientFiles>();
        if (!files.Installed)
        {
            return app;
        }

        var paths = app.Services.GetRequiredService<ServerPaths>();
        var address = app.Services.GetRequiredService<PublicAddress>();

        // Plain HTTP: the client's pages and files move to HTTPS (the sign-in works only there).
        app.UseWhen(
            context => !context.Request.IsHttps && IsRead(context.Request) && !paths.IsServerPath(context.Request.Path),
            branch => branch.Run(context =>
            {
                if (address.HttpsPort is not { } port)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                var request = context.Request;
                context.Response.Redirect($"https://{new HostString(request.Host.Host, port)}{request.PathBase}{request.Path}{request.QueryString}", permanent: false, preserveMethod: true);
                return Task.CompletedTask;
            }));
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal),
            branch => branch.UseResponseCompression());
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(files.Root),
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.CacheControl = context.Context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal)
                    ? ImmutableCache
                    : "no-cache";
                if (context.File.Name.Equals("index.html", StringComparison.OrdinalIgnoreCase))
                {
                    IndexHeaders(context.Context);
                }
            },
        });
        // The client's routes: a GET that routing matched to no endpoint (a method mismatch, such
        // as a GET of a KVS operation, is an endpoint: routing's 405), outside the server's paths
        // (an unknown /api/… stays the server's 404 problem), and not a file name (a missing
        // /assets/… script must fail, not be answered with HTML).
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (context.GetEndpoint() is null && IsRead(context.Request) && !paths.IsServerPath(path) && !Path.HasExtension(path.Value))
            {
                await ServeIndexAsync(context, files);
                return;
            }

            await next(context);
        });
        return app;
    }

    private static bool IsRead(HttpRequest request) => HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);

    private static async Task ServeIndexAsync(HttpContext context, WebClientFiles files)
    {
        IndexHeaders(context);
        context.Response.ContentType = "text/html; charset=utf-8";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await context.Response.SendFileAsync(files.IndexPath, context.RequestAborted);
    }

    /// <summary>
    /// The page's content security policy: scripts, styles, pictures and API calls from this
    /// origin only (pictures as blob: URLs, fetched with the token), no inline script or style
    /// element, no framing; the signaling endpoint may be another address (Signaling:PublicBaseUrl).
    /// </summary>
    private static void IndexHeaders(HttpContext context)
    {
        var signaling = context.RequestServices.GetRequiredService<SignalingUrls>().Authority;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; media-src 'self' blob:; "
            + $"connect-src 'self' https://{signaling} wss://{signaling}; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
        headers.CacheControl = "no-store";
        headers[HeaderNames.Pragma] = "no-cache";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "The web client is not installed ({Root} has no index.html); the site's root leads to the account pages. Build it with scripts/build-web.sh (needs Node.js)")]
        public static partial void NotInstalled(ILogger logger, string root);
    }
}
