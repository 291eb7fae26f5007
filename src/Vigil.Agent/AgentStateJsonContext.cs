using System.Text.Json.Serialization;

namespace Vigil.Agent;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(PendingRegistration))]
[JsonSerializable(typeof(ProvisionedThing))]
internal sealed partial class AgentStateJsonContext : JsonSerializerContext;
