using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Cameras;

[JsonConverter(typeof(JsonStringEnumConverter<CameraKind>))]
internal enum CameraKind
{
    /// <summary>Bound by serial number and secret: a provisioned device with a signaling channel (live video).</summary>
    [JsonStringEnumMemberName("live")]
    Live,

    /// <summary>Only sends pictures (e-mail, webhook, upload).</summary>
    [JsonStringEnumMemberName("snapshot")]
    Snapshot,
}
