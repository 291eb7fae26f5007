using System.Text.RegularExpressions;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Devices;

/// <summary>What a registry row may contain. Each check returns the reason it fails, or null.</summary>
internal static partial class RegistryRules
{
    public const int SerialMaxLength = 128;
    public const int SecretMinLength = 8;
    public const int SecretMaxLength = 256;
    public const int ModelMaxLength = 128;

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,128}$")]
    private static partial Regex SerialPattern();

    public static bool IsValidSerial(string serial) => SerialPattern().IsMatch(serial);

    public static string? CheckSerial(string serial) =>
        serial.Length == 0 ? "serial is empty"
        : serial.Length > SerialMaxLength ? $"serial is longer than {SerialMaxLength} characters"
        : IsValidSerial(serial) ? null
        : $"serial '{DisplayText.Printable(serial)}' may contain only letters, digits and _ . : -";

    public static string? CheckSecret(string secret) =>
        secret.Length < SecretMinLength ? $"secret is shorter than {SecretMinLength} characters"
        : secret.Length > SecretMaxLength ? $"secret is longer than {SecretMaxLength} characters"
        : secret.Any(char.IsControl) ? "secret contains a control character"
        : char.IsWhiteSpace(secret[0]) || char.IsWhiteSpace(secret[^1]) ? "secret starts or ends with white space"
        : null;

    public static string? CheckModel(string model) =>
        model.Length == 0 ? "model is empty"
        : model.Length > ModelMaxLength ? $"model is longer than {ModelMaxLength} characters"
        : model.Any(char.IsControl) ? "model contains a control character"
        : null;
}
