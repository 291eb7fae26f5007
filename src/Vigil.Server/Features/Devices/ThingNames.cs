using System.Text.RegularExpressions;

namespace Vigil.Server.Features.Devices;

/// <summary>
/// What a thing name may be. It is also the device's MQTT client id, a level of its topics and
/// the name of its signaling channel, so it excludes MQTT wildcards and separators.
/// </summary>
internal static partial class ThingNames
{
    public const int MaxLength = 128;

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,128}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);
}
