using Vigil.Server.Features.Pki;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// What a connection may publish and subscribe to (AWS IoT policies, reduced to what Vigil's two
/// kinds of device certificate need). Claim certificates: only their template's fleet-provisioning
/// request topics, and the responses (spec §4.5, plus create-from-csr, which AWS's documented claim
/// policy forgets). Devices: the configured topic filters with their thing name filled in.
/// Integrations (Home Assistant...): subscribe to and receive <c>vigil/#</c> and the discovery
/// prefix, publish nothing. Response topics (<c>/accepted</c>, <c>/rejected</c>), lifecycle events
/// and <c>vigil/...</c> are written only by Vigil.
/// </summary>
internal static class DevicePolicy
{
    public const string ThingNameVariable = "${iot:Connection.Thing.ThingName}";
    public const string ClientIdVariable = "${iot:ClientId}";

    public static IReadOnlyList<string> DeviceTopicsFor(IReadOnlyList<string> templates, string thingName) =>
        [.. templates.Select(t => t.Replace(ThingNameVariable, thingName, StringComparison.Ordinal).Replace(ClientIdVariable, thingName, StringComparison.Ordinal))];

    /// <summary>Claim certificates publish requests: create, create-from-csr and their template's provision, in JSON or CBOR.</summary>
    public static bool MayPublish(DevicePrincipal principal, string topic)
    {
        if (principal.Revoked || IsServerOnly(topic))
        {
            return false;
        }

        return principal.Kind switch
        {
            CertificateKind.Claim => FleetProvisioningTopics.TryParseRequest(topic, out var request)
                && (request.Operation != FleetProvisioningOperation.RegisterThing || request.TemplateName == principal.Template),
            CertificateKind.Device => principal.DeviceTopics.Any(filter => TopicFilter.Matches(filter, topic)),
            CertificateKind.Integration => false, // read-only
            _ => false,
        };
    }

    public static bool MaySubscribe(DevicePrincipal principal, string filter)
    {
        if (principal.Revoked || !TopicFilter.IsValidFilter(filter))
        {
            return false;
        }

        return principal.Kind switch
        {
            CertificateKind.Claim => ClaimFilters(principal.Template!).Any(allowed => TopicFilter.Covers(allowed, filter)),
            CertificateKind.Device or CertificateKind.Integration => principal.DeviceTopics.Any(allowed => TopicFilter.Covers(allowed, filter)),
            _ => false,
        };
    }

    /// <summary>Whether a message may be delivered to this connection (AWS's iot:Receive): the same topics it may subscribe to.</summary>
    public static bool MayReceive(DevicePrincipal principal, string topic) =>
        !principal.Revoked && principal.Kind switch
        {
            CertificateKind.Claim => ClaimFilters(principal.Template!).Any(allowed => TopicFilter.Matches(allowed, topic)),
            CertificateKind.Device or CertificateKind.Integration => principal.DeviceTopics.Any(allowed => TopicFilter.Matches(allowed, topic)),
            _ => false,
        };

    private static string[] ClaimFilters(string template) =>
    [
        "$aws/certificates/create/#",
        "$aws/certificates/create-from-csr/#",
        $"$aws/provisioning-templates/{template}/provision/#",
    ];

    /// <summary>Topics only the broker itself publishes: fleet-provisioning responses, lifecycle events and Vigil's own (<c>vigil/...</c>).</summary>
    public static bool IsServerOnly(string topic) =>
        topic.StartsWith("$aws/events/", StringComparison.Ordinal)
        || topic == Integrations.IntegrationTopics.Root || topic.StartsWith(Integrations.IntegrationTopics.Root + "/", StringComparison.Ordinal)
        || (topic.StartsWith("$aws/certificates/", StringComparison.Ordinal) || topic.StartsWith("$aws/provisioning-templates/", StringComparison.Ordinal))
            && (topic.EndsWith("/accepted", StringComparison.Ordinal) || topic.EndsWith("/rejected", StringComparison.Ordinal));
}
