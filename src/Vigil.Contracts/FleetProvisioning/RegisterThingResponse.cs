namespace Vigil.Contracts.FleetProvisioning;

/// <summary>Accepted response of RegisterThing.</summary>
public sealed record RegisterThingResponse
{
    /// <summary>The template's device configuration.</summary>
    public required Dictionary<string, string> DeviceConfiguration { get; init; }

    /// <summary>The thing the certificate is now attached to; the device connects with it as client id.</summary>
    public required string ThingName { get; init; }
}
