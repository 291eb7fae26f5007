namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// MQTT topic and topic-filter rules (MQTT 3.1.1 §4.7, MQTT 5 §4.7) for authorization: whether a
/// topic matches a filter, and whether every topic a requested filter can match is allowed.
/// </summary>
internal static class TopicFilter
{
    /// <summary>A topic name a client may publish to: non-empty, no wildcards, no NUL (§4.7.3).</summary>
    public static bool IsValidTopic(string topic) =>
        topic.Length is > 0 and <= 65535 && topic.AsSpan().IndexOfAny('+', '#', '\0') < 0;

    /// <summary>A topic filter: '#' only as the whole last level, '+' only as a whole level (§4.7.1).</summary>
    public static bool IsValidFilter(string filter)
    {
        if (filter.Length is 0 or > 65535 || filter.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var levels = filter.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level.Contains('#', StringComparison.Ordinal) && (level != "#" || i != levels.Length - 1))
            {
                return false;
            }

            if (level.Contains('+', StringComparison.Ordinal) && level != "+")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="topic"/> matches <paramref name="filter"/>. Wildcards in the first level do not match topics starting with '$' (§4.7.2).</summary>
    public static bool Matches(string filter, string topic)
    {
        var f = filter.AsSpan();
        var t = topic.AsSpan();
        if (t.Length > 0 && t[0] == '$' && f.Length > 0 && f[0] is '+' or '#')
        {
            return false;
        }

        while (true)
        {
            var fEnd = f.IndexOf('/');
            var fLevel = fEnd < 0 ? f : f[..fEnd];
            if (fLevel is "#")
            {
                return true;
            }

            var tEnd = t.IndexOf('/');
            var tLevel = tEnd < 0 ? t : t[..tEnd];
            if (fLevel is not "+" && !fLevel.SequenceEqual(tLevel))
            {
                return false;
            }

            if (fEnd < 0 || tEnd < 0)
            {
                // "a/#" also matches "a" (§4.7.1.2).
                return fEnd < 0 && tEnd < 0 || (tEnd < 0 && f[(fEnd + 1)..] is "#");
            }

            f = f[(fEnd + 1)..];
            t = t[(tEnd + 1)..];
        }
    }

    /// <summary>
    /// Whether every topic that <paramref name="requested"/> can match is also matched by
    /// <paramref name="allowed"/>: a subscription is authorized only when it cannot reach beyond what is allowed.
    /// </summary>
    public static bool Covers(string allowed, string requested)
    {
        var a = allowed.Split('/');
        var r = requested.Split('/');
        if (a[0] is "+" or "#" && requested.StartsWith('$'))
        {
            // A leading wildcard never matches '$' topics (§4.7.2), so it cannot grant them.
            return false;
        }
        for (var i = 0; i < r.Length; i++)
        {
            if (i >= a.Length)
            {
                return false;
            }

            if (a[i] == "#")
            {
                return true;
            }

            if (r[i] == "#")
            {
                return false;
            }

            if (a[i] == "+")
            {
                continue;
            }

            if (r[i] == "+" || r[i] != a[i])
            {
                return false;
            }
        }

        // requested "x/y" is covered by "x/y" or "x/y/#".
        return r.Length == a.Length || (a.Length == r.Length + 1 && a[^1] == "#");
    }
}
