using System.Text.RegularExpressions;

namespace Vigil.Server.Features.Integrations;

/// <summary>
/// What an integration's name may be. It is also its MQTT client id, so it must be a valid one
/// for every client (MQTT 3.1.1 §3.1.3.1 only promises letters and digits; '-' and '_' are
/// accepted by every broker and client we know).
/// </summary>
internal static partial class IntegrationNames
{
    public const int MaxLength = 64;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);
}
