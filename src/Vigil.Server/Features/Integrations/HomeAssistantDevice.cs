namespace Vigil.Server.Features.Integrations;

/// <summary>The device block of a discovery payload: one Home Assistant device per camera.</summary>
internal sealed record HomeAssistantDevice(
    IReadOnlyList<string> Identifiers,
    string Name,
    string Manufacturer,
    string Model);
