using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Vigil.Server.Hosting.ApiReference;

/// <summary>
/// Describes in the OpenAPI document how every <c>/api</c> operation fails, so that no endpoint has
/// to repeat it: a status that an endpoint declares without a body (<c>Results&lt;…, NotFound&gt;</c>)
/// is answered with <c>application/problem+json</c> (<c>UseStatusCodePages</c> writes one for every
/// bare error status), and an operation that requires a user gets the bearer scheme, 401 (no valid
/// token) and 403 (account disabled, or a role it lacks) — the answers of the authorization
/// middleware, which no handler sees. Statuses a handler returns as a problem it declares itself
/// with <c>ProducesProblem</c>.
/// </summary>
internal sealed class ApiErrorResponses : IOpenApiOperationTransformer
{
    private const string ProblemSchema = nameof(ProblemDetails);
    private const string BearerScheme = "bearer";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) != true)
        {
            return;
        }

        var document = context.Document!;
        operation.Responses ??= [];
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            AddBearerScheme(document);
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid access token (missing, expired or revoked); `WWW-Authenticate: Bearer` says which." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The account is disabled, or lacks the role this operation needs." });
        }

        var errors = operation.Responses
            .Where(r => int.TryParse(r.Key, out var status) && status >= 400 && r.Value is OpenApiResponse { Content: null or { Count: 0 } })
            .Select(r => (OpenApiResponse)r.Value)
            .ToList();
        if (errors.Count == 0)
        {
            return;
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(ProblemSchema))
        {
            document.Components.Schemas[ProblemSchema] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken);
        }

        foreach (var response in errors)
        {
            response.Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            };
        }
    }

    /// <summary>
    /// The problem document as Vigil writes it (RFC 9457): <c>type</c>, <c>title</c> and
    /// <c>status</c> always, and the extensions the API adds (the framework's type knows none of them).
    /// </summary>
    public static Task DescribeProblemAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(ProblemDetails))
        {
            return Task.CompletedTask;
        }

        schema.Description = "An error (RFC 9457). `type` is stable per kind of error (https://vigil.invalid/problems/…, or the HTTP "
            + "specification's section for a bare status); `detail` says what to do in words.";
        schema.Required = new HashSet<string> { "type", "title", "status" };
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace id, as it appears in the server's log." };
        schema.Properties["parameter"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "invalid-parameter only: the name of the parameter or body field that is wrong." };
        schema.Properties["retryAfter"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "too-many-attempts only: seconds until another attempt is allowed (also in Retry-After)." };
        return Task.CompletedTask;
    }

    private static void AddBearerScheme(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(BearerScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An access token from Vigil's OpenID Connect server (authorization code with PKCE; the web client signs in this way).",
        });
    }
}
