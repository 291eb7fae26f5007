namespace Vigil.WebRtc.Ice;

/// Candidate and pair priorities (RFC 8445 §5.1.2.1 and §6.1.2.3).
internal static class IcePriority
{
    // §5.1.2.2 recommended type preferences.
    public const int HostPreference = 126;
    public const int PeerReflexivePreference = 110;
    public const int ServerReflexivePreference = 100;
    public const int RelayPreference = 0;

    /// priority = 2²⁴·type preference + 2⁸·local preference + (256 − component ID).
    public static uint Candidate(IceCandidateType type, int localPreference, int component = 1) =>
        (uint)((TypePreference(type) << 24) + (localPreference << 8) + (256 - component));

    public static int TypePreference(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => HostPreference,
        IceCandidateType.PeerReflexive => PeerReflexivePreference,
        IceCandidateType.ServerReflexive => ServerReflexivePreference,
        _ => RelayPreference,
    };

    /// pair priority = 2³²·MIN(G,D) + 2·MAX(G,D) + (G &gt; D ? 1 : 0), G the controlling agent's candidate.
    public static ulong Pair(uint controlling, uint controlled) =>
        ((ulong)Math.Min(controlling, controlled) << 32) + (2UL * Math.Max(controlling, controlled)) + (controlling > controlled ? 1UL : 0UL);
}
