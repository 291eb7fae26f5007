namespace Vigil.WebRtc;

/// <summary>Why the receiver (or the sender itself) wants an IDR picture.</summary>
public enum KeyframeRequestReason
{
    /// <summary>The connection just came up; sending starts at the next IDR.</summary>
    NewViewer,

    /// <summary>RTCP Picture Loss Indication (RFC 4585 §6.3.1).</summary>
    PictureLoss,

    /// <summary>RTCP Full Intra Request (RFC 5104 §4.3.1).</summary>
    FullIntraRequest,
}
