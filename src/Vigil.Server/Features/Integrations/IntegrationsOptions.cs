using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Features.Integrations;

/// <summary>
/// Section <c>Integrations</c>: what Vigil publishes on its MQTT broker for home-automation
/// systems (Home Assistant, Node-RED, openHAB) and the certificates those systems connect with.
/// </summary>
internal sealed class IntegrationsOptions : IValidatableObject
{
    public const string Section = "Integrations";

    /// <summary>
    /// Publish Home Assistant MQTT discovery (a "person detected" binary sensor per snapshot
    /// camera) and the sensors' states. Off: only the rules' MQTT actions publish.
    /// </summary>
    public bool HomeAssistantDiscovery { get; set; } = true;

    /// <summary>Home Assistant's discovery prefix (its MQTT integration's setting of the same name).</summary>
    public string DiscoveryPrefix { get; set; } = "homeassistant";

    /// <summary>How long a camera's person sensor stays ON after the last picture with a person.</summary>
    public TimeSpan PersonOffDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The confidence a Person detection needs to turn the sensor ON.</summary>
    [Range(0.0, 1.0, ErrorMessage = "must be from 0 to 1")]
    public double PersonMinConfidence { get; set; } = 0.5;

    /// <summary>
    /// How often the camera list is re-read, so that cameras added or removed by <c>vigil cameras</c>
    /// (another process) get or lose their discovery entry within this time.
    /// </summary>
    public TimeSpan CameraRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The start of the picture links in MQTT event messages. Default:
    /// <c>https://&lt;Server:PublicHost&gt;:&lt;Server:HttpsPort&gt;</c>.
    /// </summary>
    public string? PictureBaseUrl { get; set; }

    /// <summary>Validity of integration client certificates (<c>vigil integrations create</c>).</summary>
    [Range(1, 3650, ErrorMessage = "must be from 1 to 3650 days")]
    public int CertificateDays { get; set; } = 825;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IntegrationTopics.IsValidPrefix(DiscoveryPrefix))
        {
            yield return new ValidationResult($"'{DiscoveryPrefix}' is not a topic level (1 to 64 letters, digits, '-' or '_'; not 'vigil')", [nameof(DiscoveryPrefix)]);
        }

        if (PersonOffDelay < TimeSpan.FromSeconds(1) || PersonOffDelay > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("must be between 00:00:01 and 1.00:00:00", [nameof(PersonOffDelay)]);
        }

        if (CameraRefreshInterval < TimeSpan.FromMilliseconds(100) || CameraRefreshInterval > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("must be between 00:00:00.1 and 01:00:00", [nameof(CameraRefreshInterval)]);
        }

        if (PictureBaseUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Query.Length > 0))
        {
            yield return new ValidationResult($"'{url}' is not an http(s) URL without a query", [nameof(PictureBaseUrl)]);
        }
    }
}
