using Microsoft.AspNetCore.Authorization;
using OpenIddict.Validation.AspNetCore;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// Every <c>/api/*</c> endpoint must require authorization (normally <see cref="IdentityPolicies.User"/>)
/// or say <c>AllowAnonymous</c> on purpose, and every policy it requires must authenticate with the
/// bearer-token scheme only: a policy that also (or only) accepted the sign-in cookie would let any
/// site the user visits call the API with the browser's cookie (cross-site request forgery).
/// Checked when the server starts, so an endpoint that breaks either rule cannot ship: the server
/// refuses to start and names it.
/// </summary>
internal sealed class ApiEndpointGuard(EndpointDataSource endpoints, IAuthorizationPolicyProvider policies) : IHostedService
{
    public const string BearerScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>().Where(e => IsApi(e.RoutePattern.RawText)))
        {
            var name = endpoint.DisplayName ?? endpoint.RoutePattern.RawText;
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                continue;
            }

            var data = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            var inline = endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>();
            if (data.Count == 0 && inline.Count == 0)
            {
                problems.Add($"{name}: no authorization policy (add RequireAuthorization(IdentityPolicies.User))");
                continue;
            }

            var combined = await AuthorizationPolicy.CombineAsync(policies, data, inline);
            var schemes = combined?.AuthenticationSchemes.Distinct(StringComparer.Ordinal).ToList() ?? [];
            if (schemes is not [BearerScheme])
            {
                problems.Add($"{name}: its policy authenticates with [{string.Join(", ", schemes)}], not the bearer token only ({BearerScheme})");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("API endpoints that are not bearer-token only: " + string.Join("; ", problems));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool IsApi(string? pattern) =>
        pattern is not null && (pattern.TrimStart('/').Equals("api", StringComparison.OrdinalIgnoreCase) || pattern.TrimStart('/').StartsWith("api/", StringComparison.OrdinalIgnoreCase));
}
