using System.Diagnostics.CodeAnalysis;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// The fleet-provisioning MQTT API's reserved topics (spec §4.2). Vigil speaks the <c>json</c>
/// payload format; the <c>cbor</c> variants are not offered (a claim certificate may not publish to them).
/// </summary>
internal static class FleetProvisioningTopics
{
    public const string CreateKeys = "$aws/certificates/create/json";
    public const string CreateFromCsr = "$aws/certificates/create-from-csr/json";
    private const string TemplatesPrefix = "$aws/provisioning-templates/";
    private const string ProvisionSuffix = "/provision/json";

    public static string Provision(string template) => TemplatesPrefix + template + ProvisionSuffix;

    public static string Accepted(string requestTopic) => requestTopic + "/accepted";

    public static string Rejected(string requestTopic) => requestTopic + "/rejected";

    public static bool TryParseRequest(string topic, [NotNullWhen(true)] out FleetProvisioningRequest? request)
    {
        request = topic switch
        {
            CreateKeys => new FleetProvisioningRequest(FleetProvisioningOperation.CreateKeysAndCertificate, topic, null),
            CreateFromCsr => new FleetProvisioningRequest(FleetProvisioningOperation.CreateCertificateFromCsr, topic, null),
            _ when topic.StartsWith(TemplatesPrefix, StringComparison.Ordinal) && topic.EndsWith(ProvisionSuffix, StringComparison.Ordinal)
                && topic.Length > TemplatesPrefix.Length + ProvisionSuffix.Length
                && topic.AsSpan(TemplatesPrefix.Length, topic.Length - TemplatesPrefix.Length - ProvisionSuffix.Length).IndexOf('/') < 0 =>
                new FleetProvisioningRequest(FleetProvisioningOperation.RegisterThing, topic, topic[TemplatesPrefix.Length..^ProvisionSuffix.Length]),
            _ => null,
        };
        return request is not null;
    }
}
