using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Integrations;

/// <summary>Home Assistant's discovery payloads: snake_case keys, nulls left out.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HomeAssistantBinarySensor))]
internal sealed partial class HomeAssistantJsonContext : JsonSerializerContext;
