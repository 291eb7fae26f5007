using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Features.Provisioning;

/// <summary>Section <c>Provisioning</c>: the device plane (MQTT broker and fleet provisioning).</summary>
internal sealed class ProvisioningOptions
{
    public const string Section = "Provisioning";

    /// <summary>MQTT over TLS with a client certificate, as AWS IoT's 8883.</summary>
    [Range(1, 65535, ErrorMessage = "must be a port number from 1 to 65535")]
    public int MqttPort { get; set; } = 8883;

    /// <summary>The template a claim certificate is made for when <c>vigil claim create</c> gets no <c>--template</c>.</summary>
    [RegularExpression(TemplateNamePattern, ErrorMessage = "must be 1 to 36 letters, digits, '-' or '_'")]
    public string DefaultTemplate { get; set; } = "VigilCameraTemplate";

    /// <summary>AWS IoT's rule for provisioning template names.</summary>
    public const string TemplateNamePattern = "^[0-9A-Za-z_-]{1,36}$";
}
