using System.Buffers;
using System.Security.Cryptography;

namespace Vigil.Server.Features.Signaling;

/// <summary>The KVS API model's constraints on channel fields, and the shape of channel ARNs.</summary>
internal static class ChannelRules
{
    public const int NameMaxLength = 256;
    public const int ArnMaxLength = 1024;
    public const int VersionLength = 10;
    public const int MinMessageTtlSeconds = 5;
    public const int MaxMessageTtlSeconds = 120;
    public const int DefaultMessageTtlSeconds = 60;
    public const int MaxTags = 50;
    public const int TagKeyMaxLength = 128;
    public const int TagValueMaxLength = 256;
    public const int ClientIdMaxLength = 256;
    public const string SingleMaster = "SINGLE_MASTER";
    public const string Active = "ACTIVE";

    private const string Alphanumeric = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary><c>[a-zA-Z0-9_.-]</c>: channel names, client ids, correlation ids.</summary>
    public static readonly SearchValues<char> NameChars = SearchValues.Create(Alphanumeric + "_.-");

    public static bool IsName(string? value) =>
        value is { Length: > 0 and <= NameMaxLength } && !value.AsSpan().ContainsAnyExcept(NameChars);

    /// <summary>A viewer's <c>X-Amz-ClientId</c>: like a name, and never starting with <c>AWS_</c> (reserved for the service).</summary>
    public static bool IsClientId(string? value) =>
        value is { Length: > 0 and <= ClientIdMaxLength } && !value.AsSpan().ContainsAnyExcept(NameChars)
        && !value.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase);

    public static string NewVersion() => RandomNumberGenerator.GetString(Alphanumeric, VersionLength);

    public static string Arn(string region, string account, string name, DateTimeOffset createdAt) =>
        $"arn:aws:kinesisvideo:{region}:{account}:channel/{name}/{createdAt.ToUnixTimeMilliseconds()}";

    /// <summary>
    /// The ARN a channel named <paramref name="name"/> would have, whatever its creation time, for checking a
    /// caller's permission on a channel that does not exist (yet): a policy for <c>channel/name/*</c> matches,
    /// a policy for one specific older channel does not. Callers without permission learn nothing about
    /// which channels exist.
    /// </summary>
    public static string AnyArn(string region, string account, string name) =>
        $"arn:aws:kinesisvideo:{region}:{account}:channel/{name}/*";

    /// <summary>Whether <paramref name="arn"/> has the shape of a channel ARN (any region and account).</summary>
    public static bool IsArn(string? arn) =>
        arn is { Length: > 0 and <= ArnMaxLength }
        && arn.StartsWith("arn:aws:kinesisvideo:", StringComparison.Ordinal)
        && arn.Contains(":channel/", StringComparison.Ordinal)
        && !arn.AsSpan().ContainsAnyInRange('\u0000', '\u0020');
}
