using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Integrations;

/// <summary>Vigil's own MQTT messages: camelCase, as the webhook's.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MqttEventMessage))]
internal sealed partial class IntegrationsJsonContext : JsonSerializerContext;
