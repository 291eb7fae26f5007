using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Provisioning;

/// <summary>JSON for what provisioning stores (thing attributes and groups, retained messages' user properties).</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(List<RetainedUserProperty>))]
internal sealed partial class ProvisioningJsonContext : JsonSerializerContext;
