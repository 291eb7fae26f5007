namespace Vigil.Server.Features.Integrations;

/// <summary>
/// A home-automation system (Home Assistant, say) allowed to read Vigil's MQTT topics. It
/// connects with a client certificate from Vigil's CA (<see cref="CertificateId"/>; its status,
/// revocation included, lives in the certificate registry) and with its name as MQTT client id.
/// </summary>
internal sealed class Integration
{
    public required string Name { get; init; }

    public required string CertificateId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// The account whose cameras' topics and discovery entries the integration reads; null when it
    /// reads every owner's (<c>--all-owners</c>, an operator's explicit choice, and what an
    /// integration created before integrations had owners keeps, so an upgrade breaks nothing).
    /// An account id, not an e-mail address, which can change.
    /// </summary>
    public Guid? OwnerId { get; init; }
}
