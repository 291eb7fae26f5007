using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Credentials;

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionTokenContents))]
internal sealed partial class SessionTokenJsonContext : JsonSerializerContext;
