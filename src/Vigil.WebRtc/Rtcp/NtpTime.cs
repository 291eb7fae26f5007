namespace Vigil.WebRtc.Rtcp;

/// NTP timestamps (RFC 3550 §4): seconds since 1900-01-01 in the high 32 bits, binary fraction in
/// the low 32. The "middle 32 bits" (16.16 fixed point) appear in LSR/DLSR of report blocks.
internal static class NtpTime
{
    private const long UnixEpochOffsetSeconds = 2208988800;

    public static ulong FromUnixTime(DateTimeOffset time)
    {
        var ticks = (time - DateTimeOffset.UnixEpoch).Ticks;
        var seconds = (ulong)(ticks / TimeSpan.TicksPerSecond) + UnixEpochOffsetSeconds;
        var fraction = (ulong)(ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    public static uint Middle32(ulong ntp) => (uint)(ntp >> 16);

    /// RFC 3550 §6.4.1: RTT = A − LSR − DLSR in 1/65536 s units; null when the receiver has not
    /// seen an SR yet (LSR = 0) or the result is negative (clock noise).
    public static TimeSpan? RoundTrip(uint arrivalMiddle32, uint lastSenderReport, uint delaySinceLast)
    {
        if (lastSenderReport == 0)
        {
            return null;
        }

        var rtt = unchecked(arrivalMiddle32 - lastSenderReport - delaySinceLast);
        return rtt > 0x7FFFFFFF ? null : TimeSpan.FromSeconds(rtt / 65536.0);
    }
}
