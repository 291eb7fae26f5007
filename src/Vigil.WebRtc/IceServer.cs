namespace Vigil.WebRtc;

/// <summary>A STUN or TURN server, as in the W3C <c>RTCIceServer</c> dictionary.</summary>
/// <param name="Urls"><c>stun:host[:port]</c> or <c>turn:host[:port][?transport=udp]</c> URIs (RFC 7064/7065).
/// TURN over TCP/TLS (<c>turns:</c>, <c>?transport=tcp</c>) is not implemented and is skipped.</param>
/// <param name="Username">TURN username (for REST credentials <c>"&lt;expiry&gt;:&lt;user&gt;"</c>, see <see cref="Turn.TurnRestCredentials"/>).</param>
/// <param name="Credential">TURN password.</param>
public sealed record IceServer(IReadOnlyList<string> Urls, string? Username = null, string? Credential = null);
