using System.Text.RegularExpressions;
using Vigil.Server.Features.Devices;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// A fleet-provisioning template, the part of AWS IoT's template language Vigil applies: required
/// parameters, then a thing (name, type, attributes, groups) and the device configuration returned
/// to the device. Values may use <c>${Parameter}</c> (AWS's <c>Fn::Sub</c>); <c>${AWS::IoT::Certificate::Id}</c>
/// is always available. The certificate is always made ACTIVE and attached to the thing.
/// </summary>
internal sealed partial class ProvisioningTemplate
{
    public const string SerialNumberParameter = "SerialNumber";
    public const string CertificateIdParameter = "AWS::IoT::Certificate::Id";

    /// <summary>Parameters the device must send (after the pre-provisioning hook's overrides).</summary>
    public IList<string> Parameters { get; } = [];

    /// <summary>The thing's name; by default the serial number, which is also checked against the manufacturing registry.</summary>
    public string ThingName { get; set; } = "${SerialNumber}";

    public string? ThingTypeName { get; set; }

    public IDictionary<string, string> Attributes { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public IList<string> ThingGroups { get; } = [];

    /// <summary>Returned to the device as <c>deviceConfiguration</c> in the RegisterThing response.</summary>
    public IDictionary<string, string> DeviceConfiguration { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Optional pre-provisioning hook: receives AWS's hook input JSON by HTTP POST and answers
    /// <c>{"allowProvisioning": true|false, "parameterOverrides": {...}}</c> within 5 seconds.
    /// </summary>
    public Uri? PreProvisioningHookUrl { get; set; }

    public static ProvisioningTemplate CreateCameraDefault()
    {
        var template = new ProvisioningTemplate { ThingTypeName = "Camera" };
        template.Parameters.Add(SerialNumberParameter);
        template.Attributes["serial_number"] = "${SerialNumber}";
        return template;
    }

    public IEnumerable<string> Validate()
    {
        if (!Placeholder().Replace(ThingName, "x").All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-'))
        {
            yield return $"ThingName '{ThingName}' may contain only ${{Parameter}} references, letters, digits and _ . : -";
        }

        if (PreProvisioningHookUrl is { } hook && (!hook.IsAbsoluteUri || hook.Scheme is not ("http" or "https")))
        {
            yield return $"PreProvisioningHookUrl '{hook}' must be an absolute http or https URL";
        }

        foreach (var parameter in Parameters)
        {
            if (string.IsNullOrWhiteSpace(parameter))
            {
                yield return "a parameter name is empty";
            }
        }
    }

    /// <summary>Applies the template to the request's parameters; a missing parameter is the error.</summary>
    public bool TryApply(IReadOnlyDictionary<string, string> parameters, out ThingDefinition definition, out string error)
    {
        definition = null!;
        foreach (var required in Parameters)
        {
            if (!parameters.TryGetValue(required, out var value) || value.Length == 0)
            {
                error = $"the parameter {required} is required";
                return false;
            }
        }

        string? missing = null;
        string Substitute(string text) => Placeholder().Replace(text, match =>
        {
            var name = match.Groups[1].Value;
            if (parameters.TryGetValue(name, out var value))
            {
                return value;
            }

            missing ??= name;
            return "";
        });

        var thingName = Substitute(ThingName);
        var definitionValue = new ThingDefinition(
            thingName,
            ThingTypeName is null ? null : Substitute(ThingTypeName),
            Attributes.ToDictionary(a => a.Key, a => Substitute(a.Value), StringComparer.Ordinal),
            ThingGroups.Select(Substitute).ToList(),
            DeviceConfiguration.ToDictionary(a => a.Key, a => Substitute(a.Value), StringComparer.Ordinal));
        if (missing is not null)
        {
            error = $"the template refers to the parameter {missing}, which the request does not have";
            return false;
        }

        if (!ThingNames.IsValid(thingName))
        {
            error = $"the thing name '{DisplayText.Printable(thingName, 64, "")}' is not 1 to 128 letters, digits or _ . : -";
            return false;
        }

        definition = definitionValue;
        error = "";
        return true;
    }

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex Placeholder();
}
