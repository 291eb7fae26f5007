namespace Vigil.WebRtc.Sdp;

/// An `a=name[:value]` line (RFC 8866 §5.13); Value is null for property attributes.
internal readonly record struct SdpAttribute(string Name, string? Value);
