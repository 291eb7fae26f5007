namespace Vigil.TestSupport;

/// <summary>How <see cref="HeadlessChromium"/> starts Debian's Chromium.</summary>
/// <param name="Namespace">Run the browser inside this network namespace (needed for WebRTC ICE).</param>
/// <param name="HideLocalIpsWithMdns">Keep Chromium's default of hiding host addresses behind <c>.local</c> mDNS names.</param>
/// <param name="ExtraArguments">More command-line switches.</param>
/// <param name="ExecutablePath">The browser binary; null means <c>$VIGIL_CHROMIUM</c> or Debian's <c>/usr/bin/chromium</c>.</param>
public sealed record ChromiumOptions(
    NetworkNamespace? Namespace = null,
    bool HideLocalIpsWithMdns = true,
    IReadOnlyList<string>? ExtraArguments = null,
    string? ExecutablePath = null);
