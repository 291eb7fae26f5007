namespace Vigil.WebRtc;

/// <summary>Raised when an IDR picture is wanted; an encoder that can should produce one soon.</summary>
public sealed class KeyframeRequestedEventArgs(KeyframeRequestReason reason) : EventArgs
{
    /// <summary>What triggered the request.</summary>
    public KeyframeRequestReason Reason { get; } = reason;
}
