using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Vigil.Contracts.FleetProvisioning;
using Vigil.Server.Features.Provisioning;

namespace Vigil.Fuzz.Targets;

/// <summary>
/// What the device plane parses from a claim certificate's MQTT PUBLISH: the topic (first line of the
/// input; fleet-provisioning request topics, topic validity and filter matching for device policies)
/// and the payload (the rest): the JSON request, then the CSR (CreateCertificateFromCsr) or the
/// parameters and certificate ownership token (RegisterThing). Documented refusals: an unknown topic
/// (false), <see cref="JsonException"/> (answered InvalidPayload), false with a reason from the CSR and
/// token readers.
/// </summary>
internal static class MqttHarness
{
    private const string ClaimCertificateId = "2f8b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809";

    private static readonly OwnershipTokens Tokens = new(new EphemeralDataProtectionProvider(), TimeProvider.System);

    public static void Run(ReadOnlySpan<byte> data)
    {
        var newline = data.IndexOf((byte)'\n');
        var topic = Encoding.UTF8.GetString(newline < 0 ? data : data[..newline]);
        var payload = new ReadOnlySequence<byte>(newline < 0 ? [] : data[(newline + 1)..].ToArray());

        if (TopicFilter.IsValidTopic(topic))
        {
            _ = TopicFilter.Matches("$aws/things/+/shadow/#", topic);
            _ = TopicFilter.Matches("$aws/provisioning-templates/+/provision/json", topic);
        }

        if (TopicFilter.IsValidFilter(topic))
        {
            _ = TopicFilter.Covers("$aws/things/CAM-0001/#", topic);
        }

        if (!FleetProvisioningTopics.TryParseRequest(topic, out var request))
        {
            return;
        }

        try
        {
            switch (request.Operation)
            {
                case FleetProvisioningOperation.CreateCertificateFromCsr:
                    var csr = FleetProvisioningService.Deserialize(payload, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrRequest);
                    _ = DeviceCertificateIssuer.TryReadCsr(csr?.CertificateSigningRequest, out _, out _);
                    break;
                case FleetProvisioningOperation.RegisterThing:
                    var body = FleetProvisioningService.Deserialize(payload, FleetProvisioningJsonContext.Default.RegisterThingRequest);
                    _ = new Dictionary<string, string>(body?.Parameters ?? [], StringComparer.Ordinal);
                    _ = Tokens.TryRead(body?.CertificateOwnershipToken, ClaimCertificateId, out _, out _);
                    break;
                default:
                    break;
            }
        }
        catch (JsonException)
        {
        }
    }
}
