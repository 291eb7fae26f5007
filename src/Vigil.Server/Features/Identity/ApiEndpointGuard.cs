using Microsoft.AspNetCore.Authorization;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// Every <c>/api/*</c> endpoint must require authorization (normally <see cref="IdentityPolicies.User"/>)
/// or say <c>AllowAnonymous</c> on purpose. Checked when the server starts, so an endpoint that
/// forgot cannot ship: the server refuses to start and names it.
/// </summary>
internal sealed class ApiEndpointGuard(EndpointDataSource endpoints) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var unprotected = endpoints.Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => IsApi(e.RoutePattern.RawText))
            .Where(e => e.Metadata.GetMetadata<IAuthorizeData>() is null
                && e.Metadata.GetMetadata<AuthorizationPolicy>() is null
                && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => e.DisplayName ?? e.RoutePattern.RawText)
            .ToList();
        return unprotected.Count == 0
            ? Task.CompletedTask
            : throw new InvalidOperationException($"API endpoints without an authorization policy (add RequireAuthorization(IdentityPolicies.User)): {string.Join(", ", unprotected)}");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool IsApi(string? pattern) =>
        pattern is not null && (pattern.TrimStart('/').Equals("api", StringComparison.OrdinalIgnoreCase) || pattern.TrimStart('/').StartsWith("api/", StringComparison.OrdinalIgnoreCase));
}
