namespace Vigil.Contracts.FleetProvisioning;

/// <summary>The input AWS IoT gives a pre-provisioning hook (payload version 2020-04-01), sent by HTTP POST.</summary>
public sealed record PreProvisioningHookRequest
{
    /// <summary>The claim certificate the device connected with.</summary>
    public required string ClaimCertificateId { get; init; }

    /// <summary>The certificate being registered.</summary>
    public required string CertificateId { get; init; }

    /// <summary>The certificate being registered, PEM.</summary>
    public required string CertificatePem { get; init; }

    /// <summary>ARN of the provisioning template.</summary>
    public required string TemplateArn { get; init; }

    /// <summary>The MQTT client id of the requesting connection.</summary>
    public required string ClientId { get; init; }

    /// <summary>The request's parameters.</summary>
    public required Dictionary<string, string> Parameters { get; init; }
}
