using Microsoft.OpenApi;

namespace Vigil.Server.Hosting.ApiReference;

/// <summary>
/// The API reference: the OpenAPI document at <c>/openapi/v1.json</c> (every <c>/api</c> operation
/// with its request and response schemas and its problem+json errors, see
/// <see cref="ApiErrorResponses"/>) and a page that renders it at <c>/api/docs</c>.
/// <para>
/// The page is Swagger UI, whose files Swashbuckle.AspNetCore.SwaggerUI embeds in its assembly: Vigil
/// serves them itself (no CDN, so the page works offline and loads nothing from a third party),
/// and its start-up script is a file (<c>index.js</c>), not inline. Scalar.AspNetCore embeds its
/// files too, but its script starts from an inline module and injects styles and style
/// attributes at run time, which the CSP below would have to allow with <c>'unsafe-inline'</c>.
/// </para>
/// <para>
/// Neither the document nor the page needs sign-in: they describe the shape of the API, which is
/// the same for every Vigil and holds no data, and a client author reads them before having an
/// account. The API itself still requires a bearer token; the page's "Authorize" button takes one.
/// </para>
/// </summary>
internal static class ApiReferenceFeature
{
    public const string DocsPath = "/api/docs";
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>
    /// The page's content security policy: Swagger UI's scripts, styles and pictures from Vigil
    /// only (its stylesheet draws icons as data: SVG), calls ("Try it out") to this origin only.
    /// One <c>&lt;style&gt;</c> element is allowed by its hash: the one inside the Swagger logo
    /// (an SVG the bundle renders in the top bar); no inline script is allowed at all.
    /// <c>'report-sample'</c> puts the start of a refused inline script or style into the
    /// violation report, so a refusal (after an upgrade of the package, say) names what was refused.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self' 'report-sample'; style-src 'self' 'report-sample' " + SwaggerLogoStyleHash + "; "
        + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>
    /// SHA-256 of <c>.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}</c>, the
    /// logo's style element in swagger-ui-bundle.js 5.34.1 (Swashbuckle.AspNetCore.SwaggerUI 11.0.1).
    /// </summary>
    private const string SwaggerLogoStyleHash = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

    public static IServiceCollection AddApiReference(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Vigil API";
                document.Info.Description =
                    "The user API of Vigil (`/api/...`). Calls need an OAuth 2.0 access token from Vigil's own "
                    + "OpenID Connect server (`Authorization: Bearer ...`), except the ingest endpoints, which "
                    + "authenticate cameras themselves. Every error is `application/problem+json` (RFC 9457) with a "
                    + "stable `type`. The KVS-compatible signaling API is not described here: it follows AWS's own "
                    + "reference (see docs/aws-compatibility.md).";
                return Task.CompletedTask;
            });
            options.AddOperationTransformer<ApiErrorResponses>();
            options.AddSchemaTransformer(ApiErrorResponses.DescribeProblemAsync);
        });

    /// <summary>Serves the reference page at <see cref="DocsPath"/> with its own content security policy.</summary>
    public static WebApplication UseApiReference(this WebApplication app)
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(DocsPath, StringComparison.OrdinalIgnoreCase),
            branch =>
            {
                branch.Use(async (context, next) =>
                {
                    context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    await next(context);
                });
                branch.UseSwaggerUI(options =>
                {
                    options.RoutePrefix = DocsPath.TrimStart('/');
                    options.DocumentTitle = "Vigil API reference";
                    options.SwaggerEndpoint(DocumentPath, "Vigil API v1");
                });
            });
        return app;
    }

    /// <summary>A fixed example shown for a request body (beside the schema, which Swagger UI also turns into one).</summary>
    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, string json) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true)
            {
                media.Example = System.Text.Json.Nodes.JsonNode.Parse(json);
            }

            return Task.CompletedTask;
        });

    /// <summary>
    /// A request body that is not JSON (a picture, a mail relay's form), for endpoints that read
    /// the body themselves and so have no parameter the document could describe it from.
    /// </summary>
    public static RouteHandlerBuilder WithBinaryRequestBody(this RouteHandlerBuilder builder, string description, params string[] contentTypes) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = contentTypes.ToDictionary(
                    type => type,
                    type => new OpenApiMediaType
                    {
                        Schema = type.StartsWith("multipart/", StringComparison.Ordinal)
                            ? new OpenApiSchema { Type = JsonSchemaType.Object }
                            : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                    }),
            };
            return Task.CompletedTask;
        });
}
