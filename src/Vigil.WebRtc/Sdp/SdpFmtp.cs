namespace Vigil.WebRtc.Sdp;

/// Parameters of an `a=fmtp` line in the usual `key=value;key=value` form (RFC 6184 §8.1 for H.264).
internal static class SdpFmtp
{
    public static Dictionary<string, string> Parse(string? parameters)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (parameters is null)
        {
            return result;
        }

        foreach (var item in parameters.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                result[item[..equals].Trim()] = item[(equals + 1)..].Trim();
            }
            else
            {
                result[item] = string.Empty;
            }
        }

        return result;
    }
}
