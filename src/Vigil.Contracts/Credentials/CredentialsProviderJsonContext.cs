using System.Text.Json.Serialization;

namespace Vigil.Contracts.Credentials;

/// <summary>Source-generated JSON for the credentials provider's messages.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(CredentialsProviderResponse))]
[JsonSerializable(typeof(CredentialsProviderError))]
public sealed partial class CredentialsProviderJsonContext : JsonSerializerContext;
