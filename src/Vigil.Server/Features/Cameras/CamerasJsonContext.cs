using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Cameras;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BindCameraRequest))]
[JsonSerializable(typeof(RenameCameraRequest))]
[JsonSerializable(typeof(CreateSnapshotCamera))]
internal sealed partial class CamerasJsonContext : JsonSerializerContext;
