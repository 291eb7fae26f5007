namespace Vigil.WebRtc.H264;

/// <summary>H.264 profiles as WebRTC negotiates them (the classes libwebrtc derives from profile-level-id).</summary>
public enum H264Profile
{
    /// <summary>Constrained Baseline (e.g. <c>42e01f</c>, <c>42c01f</c>): what x264 <c>-profile:v baseline</c> writes.</summary>
    ConstrainedBaseline,

    /// <summary>Baseline without constraint_set1 (e.g. <c>42001f</c>).</summary>
    Baseline,

    /// <summary>Main (e.g. <c>4d001f</c>).</summary>
    Main,

    /// <summary>Constrained High (<c>640c1f</c>).</summary>
    ConstrainedHigh,

    /// <summary>High (<c>64001f</c>).</summary>
    High,

    /// <summary>High 4:4:4 Predictive (<c>f4001f</c>).</summary>
    PredictiveHigh444,
}
