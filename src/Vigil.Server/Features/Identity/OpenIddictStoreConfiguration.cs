using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenIddict.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// OpenIddict's tables (clients, authorizations, tokens, scopes) with <see cref="Guid"/> keys,
/// using OpenIddict's own mappings; listed here so the shared context picks them up like any
/// feature's entities.
/// </summary>
internal sealed class OpenIddictStoreConfiguration :
    IEntityTypeConfiguration<OpenIddictEntityFrameworkCoreApplication<Guid>>,
    IEntityTypeConfiguration<OpenIddictEntityFrameworkCoreAuthorization<Guid>>,
    IEntityTypeConfiguration<OpenIddictEntityFrameworkCoreToken<Guid>>,
    IEntityTypeConfiguration<OpenIddictEntityFrameworkCoreScope<Guid>>
{
    public void Configure(EntityTypeBuilder<OpenIddictEntityFrameworkCoreApplication<Guid>> builder) =>
        new OpenIddictEntityFrameworkCoreApplicationConfiguration<
            OpenIddictEntityFrameworkCoreApplication<Guid>, OpenIddictEntityFrameworkCoreAuthorization<Guid>, OpenIddictEntityFrameworkCoreToken<Guid>, Guid>()
            .Configure(builder);

    public void Configure(EntityTypeBuilder<OpenIddictEntityFrameworkCoreAuthorization<Guid>> builder) =>
        new OpenIddictEntityFrameworkCoreAuthorizationConfiguration<
            OpenIddictEntityFrameworkCoreAuthorization<Guid>, OpenIddictEntityFrameworkCoreApplication<Guid>, OpenIddictEntityFrameworkCoreToken<Guid>, Guid>()
            .Configure(builder);

    public void Configure(EntityTypeBuilder<OpenIddictEntityFrameworkCoreToken<Guid>> builder) =>
        new OpenIddictEntityFrameworkCoreTokenConfiguration<
            OpenIddictEntityFrameworkCoreToken<Guid>, OpenIddictEntityFrameworkCoreApplication<Guid>, OpenIddictEntityFrameworkCoreAuthorization<Guid>, Guid>()
            .Configure(builder);

    public void Configure(EntityTypeBuilder<OpenIddictEntityFrameworkCoreScope<Guid>> builder) =>
        new OpenIddictEntityFrameworkCoreScopeConfiguration<OpenIddictEntityFrameworkCoreScope<Guid>, Guid>()
            .Configure(builder);
}
