using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Provisioning;

/// <summary>JSON for what provisioning stores (thing attributes and groups).</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class ProvisioningJsonContext : JsonSerializerContext;
