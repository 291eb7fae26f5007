using Vigil.Fuzz.Targets;

namespace Vigil.Fuzz;

/// <summary>Every fuzzing target, by name (an immutable table).</summary>
internal static class FuzzTargets
{
    private const string WebRtc = "Vigil.WebRtc.dll";
    private const string SigV4 = "Vigil.SigV4.dll";
    private const string Server = "vigil.dll";

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("stun", StunHarness.Run, [WebRtc]),
        new("sdp", SdpHarness.Run, [WebRtc]),
        new("rtcp", RtcpHarness.Run, [WebRtc]),
        new("smtp", SmtpHarness.Run, [Server]),
        new("mime", MimeHarness.Run, [Server, "MimeKit.dll"]),
        new("signaling", SignalingHarness.Run, [Server]),
        new("sigv4", SigV4Harness.Run, [SigV4]),
        new("policy", PolicyHarness.Run, [Server]),
        new("registry", RegistryHarness.Run, [Server]),
        new("mqtt", MqttHarness.Run, [Server]),
        new("proxy", ProxyProtocolHarness.Run, [Server]),
    ];

    public static IEnumerable<string> Names => All.Select(t => t.Name);

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
