namespace Vigil.Contracts.FleetProvisioning;

/// <summary>What a pre-provisioning hook answers; anything but <c>allowProvisioning: true</c> refuses.</summary>
public sealed record PreProvisioningHookResponse
{
    /// <summary>Whether provisioning may continue.</summary>
    public bool? AllowProvisioning { get; init; }

    /// <summary>Merged into the request's parameters before the template runs.</summary>
    public Dictionary<string, string>? ParameterOverrides { get; init; }
}
