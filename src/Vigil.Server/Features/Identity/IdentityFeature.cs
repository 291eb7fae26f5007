using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// Accounts (ASP.NET Core Identity), TOTP MFA, the hosted sign-in pages and the OpenID Connect
/// provider (OpenIddict). See docs/identity.md.
/// </summary>
internal static class IdentityFeature
{
    /// <summary>What every command needs: accounts, their stores, Data Protection, OpenIddict's stores.</summary>
    public static IServiceCollection AddVigilIdentity(this IServiceCollection services)
    {
        services.AddValidatedOptions<IdentityOptions>(IdentityOptions.Section);
        services.AddSingleton<IdentityKeyMaterial>();

        // Cookies, anti-forgery tokens and the TOTP secrets at rest use the server's Data
        // Protection key ring (Hosting/DataProtectionSetup: <data>/keys/data-protection/).
        services.AddIdentityCore<VigilUser>()
            .AddRoles<IdentityRole<Guid>>()
            .AddUserStore<VigilUserStore>()
            .AddRoleStore<RoleStore<IdentityRole<Guid>, VigilDbContext, Guid>>()
            .AddPasswordValidator<PasswordRules>();
        services.AddOptions<Microsoft.AspNetCore.Identity.IdentityOptions>().Configure<IOptions<IdentityOptions>>((identity, vigil) =>
        {
            identity.Password.RequiredLength = PasswordRules.MinLength;
            identity.Password.RequireDigit = false;
            identity.Password.RequireLowercase = false;
            identity.Password.RequireUppercase = false;
            identity.Password.RequireNonAlphanumeric = false;
            identity.Password.RequiredUniqueChars = 1;
            identity.Lockout.MaxFailedAccessAttempts = vigil.Value.LockoutAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = vigil.Value.LockoutDuration;
            identity.Lockout.AllowedForNewUsers = true;
            identity.User.RequireUniqueEmail = true;
            identity.User.AllowedUserNameCharacters = "";
            identity.SignIn.RequireConfirmedAccount = false;
            identity.SignIn.RequireConfirmedEmail = false;
        });
        services.AddSingleton<TotpVerifier>();
        services.AddScoped<UserAccounts>();
        services.AddScoped<IUserDirectory, UserDirectory>();

        services.AddOpenIddict().AddCore(core => core.UseEntityFrameworkCore().UseDbContext<VigilDbContext>().ReplaceDefaultEntities<Guid>());
        return services;
    }

    /// <summary>What <c>vigil serve</c> adds: cookies, the OpenID Connect server, token validation, pages.</summary>
    public static WebApplicationBuilder AddVigilIdentityServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpContextAccessor();
        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddCookie(IdentityConstants.ApplicationScheme, cookie =>
            {
                // __Host-: only over HTTPS, for this host and path / (no Domain attribute).
                cookie.Cookie.Name = "__Host-vigil";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                // Lax: a client elsewhere sends the browser to /connect/authorize with a top-level GET.
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.LoginPath = "/account/signin";
                cookie.LogoutPath = "/account/signout";
                cookie.AccessDeniedPath = "/account/signin";
                cookie.ReturnUrlParameter = "returnUrl";
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                cookie.Events.OnValidatePrincipal = SecurityStampValidator.ValidatePrincipalAsync;
            })
            .AddCookie(SignInFlow.PendingScheme, cookie =>
            {
                cookie.Cookie.Name = "__Host-vigil-pending";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                cookie.SlidingExpiration = false;
            });
        new IdentityBuilder(typeof(VigilUser), typeof(IdentityRole<Guid>), services).AddSignInManager();
        services.AddScoped<ISecurityStampValidator, SecurityStampValidator<VigilUser>>();
        // Password changes, MFA resets and disabling rotate the stamp; browser sessions notice within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "__Host-vigil-antiforgery";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddRazorPages(pages => pages.RootDirectory = "/Features/Identity/Pages");
        services.AddScoped<SignInFlow>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<PasswordTimingDecoy>();
        services.AddSingleton<SecureTransport>();
        services.AddHostedService<OidcClientRegistrar>();
        services.AddHostedService<ApiEndpointGuard>();
        services.AddHostedService<TokenPruner>();

        services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/endsession")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetJsonWebKeySetEndpointUris(".well-known/jwks");
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
                server.RequireProofKeyForCodeExchange();
                server.RegisterScopes(Scopes.Email, Scopes.Profile, Scopes.Roles, IdentityScopes.Api);
                // Access tokens are plain signed JWTs (RFC 9068) that clients may read; codes and
                // refresh tokens stay encrypted.
                server.DisableAccessTokenEncryption();
                // Refresh tokens rotate at every use; the session's end is fixed at sign-in.
                server.DisableSlidingRefreshTokenExpiration();
                // A refresh token used a second time is refused at once and revokes its grant.
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.AddAudiences(IdentityScopes.ApiAudience);
                validation.UseAspNetCore();
            });
        // Keys, lifetimes and the issuer come from the data directory and configuration, which
        // are read when the options are first used (after the data directory is initialised).
        services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<IdentityOptions>, IdentityKeyMaterial>((server, identity, keys) =>
        {
            server.SigningCredentials.Add(new SigningCredentials(keys.SigningKey, SecurityAlgorithms.RsaSha256));
            server.EncryptionCredentials.Add(new EncryptingCredentials(keys.EncryptionKey, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
            server.AccessTokenLifetime = identity.Value.AccessTokenLifetime;
            server.RefreshTokenLifetime = identity.Value.RefreshTokenLifetime;
            server.AuthorizationCodeLifetime = TimeSpan.FromMinutes(2);
            server.IdentityTokenLifetime = identity.Value.AccessTokenLifetime;
            if (identity.Value.Issuer is { Length: > 0 } issuer)
            {
                server.Issuer = new Uri(issuer, UriKind.Absolute);
            }

            // PKCE with S256 only: "plain" would hand the verifier to anyone who sees the request.
            server.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
        });

        // A route that forgot its authorization is refused to everyone (UnmarkedEndpointRequirement);
        // anonymous routes say AllowAnonymous on purpose.
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, UnmarkedEndpointResultHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(UnmarkedEndpointRequirement.Policy)
            .AddPolicy(IdentityPolicies.User, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new ActiveAccountRequirement()))
            .AddPolicy(IdentityPolicies.Admin, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new ActiveAccountRequirement())
                .RequireClaim(Claims.Role, RoleNames.Admin));
        services.AddScoped<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, ActiveAccountHandler>();
        return builder;
    }

    /// <summary>
    /// Middleware for the sign-in surface, before authentication: what must travel over HTTPS
    /// (sign-in pages, tokens, the API) is refused or redirected on plain HTTP, and the hosted
    /// pages get their own headers.
    /// </summary>
    public static WebApplication UseIdentityTransport(this WebApplication app)
    {
        var transport = app.Services.GetRequiredService<SecureTransport>();
        app.UseWhen(SecureTransport.Applies, branch => branch.Run(transport.RefuseOrRedirectAsync));
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/account", StringComparison.OrdinalIgnoreCase),
            branch => branch.Use(async (context, next) =>
            {
                AccountPageHeaders.Apply(context);
                await next(context);
            }));
        return app;
    }

    /// <summary>The OpenID Connect endpoints, <c>/api/me</c> and the hosted account pages.</summary>
    public static WebApplication MapVigilIdentity(this WebApplication app)
    {
        app.MapConnect();
        app.MapMe();
        app.MapGet("/account/style.css", () => TypedResults.Text(AccountStylesheet.Css, "text/css; charset=utf-8"))
            .ExcludeFromDescription()
            .AllowAnonymous();
        app.MapRazorPages();
        return app;
    }
}
