using System.Text.Json.Serialization;

namespace Vigil.Contracts.Kvs.Signaling;

/// <summary>
/// Source-generated JSON for the signaling WebSocket: compact camelCase out, as both KVS SDKs send it;
/// member names compared case-insensitively in, as the C SDK writes PascalCase. Absent members are omitted.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SignalingClientMessage))]
[JsonSerializable(typeof(SignalingServerMessage))]
[JsonSerializable(typeof(SessionDescriptionPayload))]
[JsonSerializable(typeof(IceCandidatePayload))]
public sealed partial class SignalingJsonContext : JsonSerializerContext;
