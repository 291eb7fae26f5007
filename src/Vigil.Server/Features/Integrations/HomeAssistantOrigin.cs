using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Integrations;

/// <summary>Who published a discovery payload (Home Assistant logs it).</summary>
internal sealed record HomeAssistantOrigin(
    string Name,
    [property: JsonPropertyName("sw_version")] string? SwVersion);
