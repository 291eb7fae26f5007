using Vigil.WebRtc.Rtcp;

namespace Vigil.Fuzz.Targets;

/// <summary>
/// A decrypted compound (or reduced-size) RTCP packet, as the sender reads viewers' feedback.
/// Documented refusal: <c>false</c>, nothing else.
/// </summary>
internal static class RtcpHarness
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        var feedback = new List<RtcpFeedback>();
        if (!RtcpReader.TryParse(data, feedback))
        {
            if (feedback.Count != 0)
            {
                throw new InvalidOperationException("RtcpReader.TryParse returned false but left feedback in the list.");
            }

            return;
        }

        foreach (var item in feedback)
        {
            _ = item.ToString();
        }
    }
}
