using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.WebRtc.Srtp;

namespace Vigil.WebRtc;

/// <summary>Configuration of a <see cref="WebRtcPeerConnection"/> (a settings object, no static state).</summary>
public sealed class WebRtcSettings
{
    /// <summary>STUN servers (server-reflexive candidates) and TURN servers (relay candidates).</summary>
    public IList<IceServer> IceServers { get; init; } = [];

    /// <summary>Local addresses to bind; empty means every up, non-loopback, non-link-local IPv4/IPv6 address.</summary>
    public IList<IPAddress> BindAddresses { get; init; } = [];

    /// <summary>Lowest local UDP port to use (0: let the OS pick).</summary>
    public int PortMin { get; init; }

    /// <summary>Highest local UDP port to use (with <see cref="PortMin"/>).</summary>
    public int PortMax { get; init; }

    /// <summary>Offer all candidates, or only relay ones.</summary>
    public IceTransportPolicy IceTransportPolicy { get; init; } = IceTransportPolicy.All;

    /// <summary>SRTP profiles offered in the DTLS handshake, in preference order.</summary>
    public IList<SrtpProfile> SrtpProfiles { get; init; } = [SrtpProfile.Aes128CmHmacSha1Tag80];

    /// <summary>Clock for every timer (inject a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Logging.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Largest RTP payload (bytes); 1188 keeps packets at 1200 bytes (pion uses 1200, mediamtx 1188).</summary>
    public int MaxRtpPayloadSize { get; init; } = 1188;

    /// <summary>Give up on the DTLS handshake after this long.</summary>
    public TimeSpan DtlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Give up when no candidate pair is selected this long after the offer.</summary>
    public TimeSpan IceConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Consent-freshness interval (RFC 7675: 5 s, jittered ±20 %).</summary>
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Consent expires after this long without a response (RFC 7675: 30 s).</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for resolving and reaching each STUN/TURN server while gathering.</summary>
    public TimeSpan GatheringTimeout { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>SO_SNDBUF of each socket: keyframes leave in bursts.</summary>
    public int SocketSendBufferSize { get; init; } = 1024 * 1024;

    /// <summary>RTCP CNAME; random when null.</summary>
    public string? Cname { get; init; }
}
