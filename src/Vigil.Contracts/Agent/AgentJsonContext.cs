using System.Text.Json.Serialization;

namespace Vigil.Contracts.Agent;

/// <summary>Source-generated JSON metadata for the contract types (camelCase, as every Vigil file and API).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentConfiguration))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
