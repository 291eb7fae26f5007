using System.Text.Json.Serialization;

namespace Vigil.Contracts.FleetProvisioning;

/// <summary>Source-generated JSON for the fleet-provisioning wire messages: camelCase, compact, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(CreateKeysAndCertificateResponse))]
[JsonSerializable(typeof(CreateCertificateFromCsrRequest))]
[JsonSerializable(typeof(CreateCertificateFromCsrResponse))]
[JsonSerializable(typeof(RegisterThingRequest))]
[JsonSerializable(typeof(RegisterThingResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(PreProvisioningHookRequest))]
[JsonSerializable(typeof(PreProvisioningHookResponse))]
[JsonSerializable(typeof(PresenceEvent))]
public sealed partial class FleetProvisioningJsonContext : JsonSerializerContext;
