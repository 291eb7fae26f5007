using System.Text.RegularExpressions;

namespace Vigil.Server.Features.Integrations;

/// <summary>
/// The topics Vigil publishes for integrations. Cameras appear by id, not by name: ids are
/// unique across owners and never change, names are neither.
/// </summary>
internal static partial class IntegrationTopics
{
    public const string Root = "vigil";

    /// <summary>Retained <c>online</c>/<c>offline</c>: the availability topic of every discovered entity.</summary>
    public const string Status = "vigil/status";

    public const string Online = "online";
    public const string Offline = "offline";

    public static string CameraKey(Guid cameraId) => cameraId.ToString("D");

    /// <summary>An event message per notification of a rule with the MQTT action (QoS 1, not retained).</summary>
    public static string Events(Guid cameraId) => $"{Root}/{CameraKey(cameraId)}/events";

    /// <summary>Retained <c>ON</c>/<c>OFF</c>: whether the camera saw a person lately.</summary>
    public static string Person(Guid cameraId) => $"{Root}/{CameraKey(cameraId)}/person";

    /// <summary>Home Assistant's discovery topic: <c>&lt;prefix&gt;/binary_sensor/&lt;object id&gt;/config</c>.</summary>
    public static string PersonDiscovery(string prefix, Guid cameraId) => $"{prefix}/binary_sensor/{PersonObjectId(cameraId)}/config";

    public static string PersonObjectId(Guid cameraId) => $"vigil_{cameraId:N}_person";

    /// <summary>The camera a topic level names: Vigil's second level (<c>vigil/{id}/...</c>).</summary>
    public static bool TryParseCameraKey(string level, out Guid cameraId) => Guid.TryParseExact(level, "D", out cameraId);

    /// <summary>The camera a discovery object id names (<c>vigil_{id:N}_...</c>, as <see cref="PersonObjectId"/> writes it).</summary>
    public static bool TryParseObjectId(string level, out Guid cameraId)
    {
        cameraId = Guid.Empty;
        const int Start = 6; // "vigil_"
        return level.Length > Start + 32 && level.StartsWith(Root + "_", StringComparison.Ordinal) && level[Start + 32] == '_'
            && Guid.TryParseExact(level.AsSpan(Start, 32), "N", out cameraId);
    }

    /// <summary>The topic filters an integration may subscribe to: Vigil's topics and the discovery prefix.</summary>
    public static IReadOnlyList<string> ReadFilters(string discoveryPrefix) => [Root + "/#", discoveryPrefix + "/#"];

    public static bool IsValidPrefix(string? prefix) => prefix is not null && prefix != Root && PrefixPattern().IsMatch(prefix);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex PrefixPattern();
}
