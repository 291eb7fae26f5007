using System.Globalization;
using System.Text;

namespace Vigil.WebRtc.Ice;

/// RFC 8445 §5.1.1.3: candidates with the same type, base IP, server and transport share a
/// foundation. A stable FNV-1a hash of those, in decimal, stays within the 32 ice-chars limit.
internal static class IceFoundation
{
    public static string Compute(IceCandidateType type, string baseAddress, string? server)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes($"{IceCandidate.TypeToken(type)}|{baseAddress}|{server}|udp"))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash.ToString(CultureInfo.InvariantCulture);
    }
}
