using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Vision;

[JsonSerializable(typeof(DeepStackResponse))]
internal sealed partial class VisionJsonContext : JsonSerializerContext;
