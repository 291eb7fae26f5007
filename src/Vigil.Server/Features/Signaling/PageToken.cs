using System.Text;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// ListSignalingChannels' NextToken: base64 of the last name of the page (the model allows
/// <c>[a-zA-Z0-9+/=]*</c>, at most 1024). Pages are in name order, so a token stays valid while channels
/// come and go; it carries nothing secret.
/// </summary>
internal static class PageToken
{
    private const string Prefix = "v1:";

    public static string Write(string lastName) => Convert.ToBase64String(Encoding.UTF8.GetBytes(Prefix + lastName));

    public static bool TryRead(string token, out string? lastName)
    {
        lastName = null;
        if (token.Length is 0 or > 1024)
        {
            return false;
        }

        var bytes = new byte[token.Length];
        if (!Convert.TryFromBase64String(token, bytes, out var length))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, length);
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || !ChannelRules.IsName(text[Prefix.Length..]))
        {
            return false;
        }

        lastName = text[Prefix.Length..];
        return true;
    }
}
