namespace Vigil.Server.Features.Provisioning;

/// <summary>What a provisioning template produced for one RegisterThing request.</summary>
internal sealed record ThingDefinition(
    string ThingName,
    string? ThingTypeName,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<string> ThingGroups,
    IReadOnlyDictionary<string, string> DeviceConfiguration);
