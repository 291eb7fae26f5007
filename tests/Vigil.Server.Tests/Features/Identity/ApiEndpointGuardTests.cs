using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Vigil.Server.Features.Identity;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>The startup check that every /api route requires authorization by the bearer token only.</summary>
public sealed class ApiEndpointGuardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Vigils_own_api_routes_pass_the_guard()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);

        var guard = new ApiEndpointGuard(vigil.App.Services.GetRequiredService<EndpointDataSource>(), vigil.App.Services.GetRequiredService<IAuthorizationPolicyProvider>());

        await guard.StartAsync(Ct); // the server started, so it passed; and again, explicitly
        Assert.Contains(vigil.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>(), e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData("cookie", "Identity.Application")]
    [InlineData("both", "Identity.Application")]
    [InlineData("default", "[]")]
    [InlineData("none", "no authorization policy")]
    public async Task A_route_that_forgot_authorization_or_accepts_the_cookie_stops_the_server(string kind, string named)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddRouting();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("cookie", p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireAuthenticatedUser())
            .AddPolicy("both", p => p.AddAuthenticationSchemes(ApiEndpointGuard.BearerScheme, IdentityConstants.ApplicationScheme).RequireAuthenticatedUser())
            .AddPolicy("bearer", p => p.AddAuthenticationSchemes(ApiEndpointGuard.BearerScheme).RequireAuthenticatedUser());
        await using var app = builder.Build();
        app.MapGet("/api/fine", () => "ok").RequireAuthorization("bearer");
        app.MapGet("/api/open", () => "ok").AllowAnonymous();
        var route = app.MapGet("/api/" + kind, () => "ok");
        _ = kind switch
        {
            "default" => route.RequireAuthorization(),
            "none" => route,
            _ => route.RequireAuthorization(kind),
        };
        var endpoints = new CompositeEndpointDataSource(((IEndpointRouteBuilder)app).DataSources);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new ApiEndpointGuard(endpoints, app.Services.GetRequiredService<IAuthorizationPolicyProvider>()).StartAsync(Ct));

        Assert.Contains("/api/" + kind, error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/fine", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/open", error.Message, StringComparison.Ordinal);
    }
}
