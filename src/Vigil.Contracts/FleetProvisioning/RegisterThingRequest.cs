namespace Vigil.Contracts.FleetProvisioning;

/// <summary>Request of RegisterThing (<c>$aws/provisioning-templates/{template}/provision/json</c>). Unknown keys (e.g. <c>templateName</c>) are ignored.</summary>
public sealed record RegisterThingRequest
{
    /// <summary>The token from CreateKeysAndCertificate or CreateCertificateFromCsr.</summary>
    public string? CertificateOwnershipToken { get; init; }

    /// <summary>Template parameters, e.g. <c>SerialNumber</c>.</summary>
    public Dictionary<string, string>? Parameters { get; init; }
}
