namespace Vigil.Server.Features.Cameras;

/// <summary>One entry of RTCConfiguration.iceServers (W3C WebRTC §4.2.1), as a browser takes it.</summary>
internal sealed record IceServerView(IReadOnlyList<string> Urls, string Username, string Credential);
