using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// Makes the registered OpenID Connect clients exactly <c>Identity:Clients</c> (plus
/// <c>vigil-web</c> with default redirect URIs when it is not listed) when the server starts,
/// before it listens. A client removed from the configuration is deleted, with its grants.
/// Only the server needs clients, so commands do not spend their initialisation lock on this.
/// </summary>
internal sealed partial class OidcClientRegistrar(
    IServiceScopeFactory scopes,
    IOptions<IdentityOptions> options,
    IOptions<ServerOptions> server,
    ServerCertificateProvider certificate,
    IdentityKeyMaterial keys,
    ILogger<OidcClientRegistrar> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Read the signing and encryption keys now, so a damaged key file stops the server at
        // start with one line rather than failing the first sign-in.
        _ = keys.SigningKey;
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                await SynchroniseClientsAsync(scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>(), cancellationToken);
                return;
            }
            catch (OpenIddictExceptions.ValidationException) when (attempt < 3)
            {
                // OpenIddict checks that a client id is free before inserting it: two nodes starting
                // together both found a client missing, and the other one created it first. Another
                // pass, in a new scope (the manager caches what it read), finds it and updates it.
                // A real validation error fails every pass and stops the start.
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The clients to register: the configured ones, and unless configured <c>vigil-web</c>, the
    /// web client <c>vigil serve</c> itself serves at <c>/</c>, for every address a browser can
    /// open it at without a certificate warning: the names the server certificate covers
    /// (<c>Server:PublicHost</c>, <c>localhost</c>, the loopback addresses, the host name and
    /// <c>Pki:ServerNames</c>) on the HTTPS port and the front door. Serving the client at a LAN address means adding
    /// that address to <c>Pki:ServerNames</c>, which fixes the certificate and the sign-in at once.
    /// </summary>
    public IReadOnlyList<IdentityClientOptions> EffectiveClients()
    {
        var clients = options.Value.Clients.ToList();
        if (!clients.Any(c => c.ClientId == IdentityScopes.WebClientId))
        {
            var web = new IdentityClientOptions { ClientId = IdentityScopes.WebClientId, DisplayName = "Vigil web" };
            // The web client is served on the HTTPS port and, when it is on, the front door.
            var ports = new[] { server.Value.HttpsPort, server.Value.FrontDoorPort ?? server.Value.HttpsPort }.Distinct();
            foreach (var host in certificate.WantedNames())
            {
                foreach (var port in ports)
                {
                    // Port 0 (a free port picked at start) has no stable URI: list the host alone.
                    var authority = PublicAddress.AuthorityOf(host, port);
                    web.RedirectUris.Add($"https://{authority}/auth/callback");
                    web.PostLogoutRedirectUris.Add($"https://{authority}/");
                }
            }

            clients.Insert(0, web);
        }

        return clients;
    }

    private async Task SynchroniseClientsAsync(IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        var wanted = EffectiveClients();
        foreach (var client in wanted)
        {
            var descriptor = Describe(client);
            var existing = await applications.FindByClientIdAsync(client.ClientId!, cancellationToken);
            try
            {
                if (existing is null)
                {
                    await applications.CreateAsync(descriptor, cancellationToken);
                    Log.ClientRegistered(logger, client.ClientId!, string.Join(" ", client.RedirectUris));
                }
                else
                {
                    await applications.UpdateAsync(existing, descriptor, cancellationToken);
                }
            }
            catch (Exception e) when (e is DbUpdateException or OpenIddictExceptions.ConcurrencyException)
            {
                // Another node registered or updated it at the same moment, from the same configuration.
            }

        }

        var ids = wanted.Select(c => c.ClientId).ToHashSet(StringComparer.Ordinal);
        var stale = new List<object>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            if (!ids.Contains(await applications.GetClientIdAsync(application, cancellationToken)))
            {
                stale.Add(application);
            }
        }

        foreach (var application in stale)
        {
            var clientId = await applications.GetClientIdAsync(application, cancellationToken);
            await applications.DeleteAsync(application, cancellationToken);
            Log.ClientRemoved(logger, clientId ?? "?");
        }
    }

    private static OpenIddictApplicationDescriptor Describe(IdentityClientOptions client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            DisplayName = client.DisplayName ?? client.ClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Email,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Roles,
                Permissions.Prefixes.Scope + IdentityScopes.Api,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }

        foreach (var uri in client.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }

        return descriptor;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "OpenID Connect client {ClientId} registered (redirect URIs: {RedirectUris})")]
        public static partial void ClientRegistered(ILogger logger, string clientId, string redirectUris);

        [LoggerMessage(EventId = 4021, Level = LogLevel.Information, Message = "OpenID Connect client {ClientId} removed: it is no longer in Identity:Clients")]
        public static partial void ClientRemoved(ILogger logger, string clientId);
    }
}
