using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Vigil.Server.Features.Provisioning;

/// <summary>Section <c>Provisioning</c>: the device plane (MQTT broker and fleet provisioning).</summary>
internal sealed partial class ProvisioningOptions : IValidatableObject
{
    public const string Section = "Provisioning";

    /// <summary>MQTT over TLS with a client certificate, as AWS IoT's 8883; 0 picks a free port (tests).</summary>
    [Range(0, 65535, ErrorMessage = "must be a port number from 0 to 65535")]
    public int MqttPort { get; set; } = 8883;

    /// <summary>
    /// Optional second MQTT listener that only accepts the TLS ALPN protocol <c>x-amzn-mqtt-ca</c>, as
    /// AWS IoT's port 443 (the AWS IoT device SDKs use it by default). Null: no such listener.
    /// </summary>
    [Range(0, 65535, ErrorMessage = "must be a port number from 0 to 65535")]
    public int? MqttAlpnPort { get; set; }

    /// <summary>The template a claim certificate is made for when <c>vigil claim create</c> gets no <c>--template</c>.</summary>
    [RegularExpression(TemplateNamePattern, ErrorMessage = "must be 1 to 36 letters, digits, '-' or '_'")]
    public string DefaultTemplate { get; set; } = "VigilCameraTemplate";

    /// <summary>
    /// Provisioning templates by name. Configured templates are added to the built-in
    /// <c>VigilCameraTemplate</c> (and may replace it).
    /// </summary>
    public IDictionary<string, ProvisioningTemplate> Templates { get; } = new Dictionary<string, ProvisioningTemplate>(StringComparer.Ordinal)
    {
        ["VigilCameraTemplate"] = ProvisioningTemplate.CreateCameraDefault(),
    };

    /// <summary>Let a serial that already has an active device certificate provision again (the old certificate becomes INACTIVE).</summary>
    public bool AllowReprovision { get; set; }

    /// <summary>
    /// Topic filters a device certificate may publish, subscribe and receive on. <c>${iot:Connection.Thing.ThingName}</c>
    /// (also <c>${iot:ClientId}</c>, equal for devices) is replaced by the connection's thing name.
    /// </summary>
    public IList<string> DeviceTopics { get; } = [];

    /// <summary>The default <see cref="DeviceTopics"/>: the device's own topics and its shadow.</summary>
    public static readonly IReadOnlyList<string> DefaultDeviceTopics =
        ["things/${iot:Connection.Thing.ThingName}/#", "$aws/things/${iot:Connection.Thing.ThingName}/shadow/#"];

    public IReadOnlyList<string> EffectiveDeviceTopics => DeviceTopics.Count > 0 ? [.. DeviceTopics] : DefaultDeviceTopics;

    /// <summary>
    /// Thing names whose device certificates may subscribe to the lifecycle events
    /// <c>$aws/events/presence/#</c> (e.g. a home-automation bridge). Cameras cannot by default:
    /// one camera has no business knowing when another connects.
    /// </summary>
    public IList<string> PresenceSubscribers { get; } = [];

    /// <summary>
    /// How often the broker re-reads certificate statuses, so a certificate revoked by another
    /// process (<c>vigil things revoke</c>) or node loses its connection within this time.
    /// </summary>
    public TimeSpan CertificateRecheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>While a thing is connected its <c>lastSeen</c> is refreshed this often; a thing marked online but not refreshed for three periods (its node died) is marked offline.</summary>
    public TimeSpan PresenceHeartbeat { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The largest MQTT packet a connection may send, fixed header included (MQTT 5's Maximum Packet Size).
    /// A larger one closes the connection: DISCONNECT 0x95 (Packet too large) for MQTT 5. See <see cref="MqttPacketSizeLimit"/>.
    /// </summary>
    [Range(1024, 1024 * 1024, ErrorMessage = "must be from 1024 to 1048576 bytes")]
    public int MaxPacketBytes { get; set; } = 128 * 1024;

    /// <summary>
    /// CreateKeysAndCertificate and CreateCertificateFromCsr requests per claim certificate per minute
    /// (a token bucket): each one makes a key or signs a certificate, so a leaked claim certificate
    /// cannot make the server mint certificates without end. Per node.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "must be from 1 to 100000")]
    public int CertificateRequestsPerClaimPerMinute { get; set; } = 60;

    /// <summary>The same requests per source IP address per minute (any claim certificate).</summary>
    [Range(1, 100_000, ErrorMessage = "must be from 1 to 100000")]
    public int CertificateRequestsPerAddressPerMinute { get; set; } = 30;

    /// <summary>
    /// Retained messages one device (thing) may hold on the broker at once; a retained publish to a new
    /// topic beyond it is refused (PUBACK 0x97 Quota exceeded for MQTT 5; MQTT 3.1.1 is disconnected).
    /// Replacing or clearing (empty payload) one of its own retained topics is always allowed.
    /// </summary>
    [Range(0, 100_000, ErrorMessage = "must be from 0 to 100000")]
    public int MaxRetainedMessagesPerDevice { get; set; } = 20;

    /// <summary>AWS IoT's rule for provisioning template names.</summary>
    public const string TemplateNamePattern = "^[0-9A-Za-z_-]{1,36}$";

    [GeneratedRegex(TemplateNamePattern)]
    private static partial Regex TemplateName();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MqttAlpnPort is { } alpn && alpn != 0 && alpn == MqttPort)
        {
            yield return new ValidationResult($"MQTT and MQTT-over-ALPN cannot share port {alpn}", [nameof(MqttAlpnPort)]);
        }

        foreach (var (name, template) in Templates)
        {
            if (!TemplateName().IsMatch(name))
            {
                yield return new ValidationResult($"'{name}' is not a template name (1 to 36 letters, digits, '-' or '_')", [nameof(Templates)]);
                continue;
            }

            foreach (var problem in template.Validate())
            {
                yield return new ValidationResult($"{name}: {problem}", [nameof(Templates)]);
            }
        }

        if (!Templates.ContainsKey(DefaultTemplate))
        {
            yield return new ValidationResult($"no template named '{DefaultTemplate}' in Provisioning:Templates", [nameof(DefaultTemplate)]);
        }

        foreach (var topic in DeviceTopics)
        {
            if (!TopicFilter.IsValidFilter(topic.Replace(DevicePolicy.ThingNameVariable, "x", StringComparison.Ordinal).Replace(DevicePolicy.ClientIdVariable, "x", StringComparison.Ordinal)))
            {
                yield return new ValidationResult($"'{topic}' is not an MQTT topic filter", [nameof(DeviceTopics)]);
            }
        }

        if (CertificateRecheckInterval < TimeSpan.FromMilliseconds(100) || CertificateRecheckInterval > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult("must be between 00:00:00.1 and 00:10:00", [nameof(CertificateRecheckInterval)]);
        }

        if (PresenceHeartbeat < TimeSpan.FromSeconds(1) || PresenceHeartbeat > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("must be between 00:00:01 and 01:00:00", [nameof(PresenceHeartbeat)]);
        }
    }
}
