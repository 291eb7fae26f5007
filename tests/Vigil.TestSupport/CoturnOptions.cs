using System.Net;

namespace Vigil.TestSupport;

/// <summary>How <see cref="CoturnServer"/> runs coturn.</summary>
/// <param name="ListeningAddress">Address for the STUN/TURN listener (and the relay addresses).</param>
/// <param name="Port">Listener port.</param>
/// <param name="Realm">Realm for long-term credentials.</param>
/// <param name="SharedSecret">Secret for TURN REST credentials (<c>use-auth-secret</c>).</param>
/// <param name="Namespace">Run inside this network namespace (addresses are then namespace addresses).</param>
/// <param name="AllowLoopbackPeers">Allow relaying to 127.0.0.0/8 (only for loopback tests).</param>
/// <param name="MinRelayPort">Lowest relay port.</param>
/// <param name="MaxRelayPort">Highest relay port.</param>
/// <param name="StaleNonceSeconds">Nonce lifetime (coturn <c>stale-nonce</c>); short values make coturn answer 438 soon.</param>
public sealed record CoturnOptions(
    IPAddress ListeningAddress,
    int Port = 3478,
    string Realm = "vigil.test",
    string SharedSecret = "vigil-test-secret",
    NetworkNamespace? Namespace = null,
    bool AllowLoopbackPeers = false,
    int MinRelayPort = 49160,
    int MaxRelayPort = 49200,
    int? StaleNonceSeconds = null);
