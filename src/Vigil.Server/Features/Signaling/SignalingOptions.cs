using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Features.Signaling;

/// <summary>Section <c>Signaling</c>: KVS-compatible signaling channels, the WebSocket hub and ICE servers.</summary>
internal sealed class SignalingOptions : IValidatableObject
{
    public const string Section = "Signaling";

    /// <summary>
    /// The base URL clients reach this server at, e.g. <c>https://vigil.example.com</c>; endpoints returned by
    /// GetSignalingChannelEndpoint are built from it. Default: <c>https://</c> + <c>Server:PublicHost</c> +
    /// the HTTPS port (left out when 443, as the KVS C SDK cannot use an explicit port).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The most channels this server holds (AWS: 10,000 per account and region).</summary>
    [Range(1, 1_000_000, ErrorMessage = "must be from 1 to 1000000")]
    public int MaxChannels { get; set; } = 10_000;

    /// <summary>Viewers connected at once per channel (AWS: 10).</summary>
    [Range(1, 1000, ErrorMessage = "must be from 1 to 1000")]
    public int MaxViewersPerChannel { get; set; } = 10;

    /// <summary>ConnectAsMaster/ConnectAsViewer per second per channel and role (AWS: 3), with bursts up to MaxViewersPerChannel + 1.</summary>
    [Range(1, 10_000, ErrorMessage = "must be from 1 to 10000")]
    public int ConnectsPerSecondPerChannel { get; set; } = 3;

    /// <summary>A connection that neither sends nor receives a message for this long is closed (AWS: 10 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest a WebSocket stays open (AWS: 1 hour); GO_AWAY is sent <see cref="GoAwayGrace"/> before.</summary>
    public TimeSpan MaxConnectionDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often each node checks that the callers of its open WebSockets may still be there (key or
    /// thing revoked, account disabled, camera unbound); a refused one is closed within this time.
    /// </summary>
    public TimeSpan AccessReviewInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long before closing a connection GO_AWAY is sent (AWS: at most 1 minute).</summary>
    public TimeSpan GoAwayGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>SDP offers and answers a connection may send per second (AWS: 5).</summary>
    [Range(1, 10_000, ErrorMessage = "must be from 1 to 10000")]
    public int SdpMessagesPerSecond { get; set; } = 5;

    /// <summary>ICE candidates a connection may send per second (AWS: 20).</summary>
    [Range(1, 10_000, ErrorMessage = "must be from 1 to 10000")]
    public int IceCandidatesPerSecond { get; set; } = 20;

    /// <summary>Longest <c>messagePayload</c> accepted, in characters of base64 (AWS: 10K).</summary>
    [Range(1024, 1_048_576, ErrorMessage = "must be from 1024 to 1048576")]
    public int MaxMessagePayloadLength { get; set; } = 10_240;

    /// <summary>Origins allowed to open the signaling WebSocket from a browser; empty allows any (see docs/signaling.md).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Run the built-in STUN server (<c>vigil serve</c> only).</summary>
    public bool StunEnabled { get; set; } = true;

    /// <summary>UDP port of the STUN server; 0 picks a free port (tests).</summary>
    [Range(0, 65535, ErrorMessage = "must be a port number from 0 to 65535")]
    public int StunPort { get; set; } = 3478;

    /// <summary>The STUN URI given to clients; default <c>stun:</c> + <c>Server:PublicHost</c> + <c>:StunPort</c>.</summary>
    public string? StunUri { get; set; }

    /// <summary>TURN URIs of a coturn server run with <c>use-auth-secret</c>, e.g. <c>turn:vigil.example.com:3479?transport=udp</c>.</summary>
    public string[] TurnUris { get; set; } = [];

    /// <summary>coturn's <c>static-auth-secret</c>; required with TurnUris. Never logged.</summary>
    public string? TurnSharedSecret { get; set; }

    /// <summary>Lifetime of TURN credentials, reported as Ttl (AWS: 300 s; the KVS C SDK needs more than 30 s).</summary>
    public TimeSpan TurnCredentialLifetime { get; set; } = TimeSpan.FromSeconds(300);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicBaseUrl is { Length: > 0 } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            {
                yield return new ValidationResult("must be an https:// URL with a host (and a port when not 443) and no path, e.g. https://vigil.example.com", [nameof(PublicBaseUrl)]);
            }
        }

        if (IdleTimeout < TimeSpan.FromSeconds(1) || IdleTimeout > TimeSpan.FromHours(24))
        {
            yield return new ValidationResult("must be between 00:00:01 and 1.00:00:00", [nameof(IdleTimeout)]);
        }

        if (MaxConnectionDuration < TimeSpan.FromSeconds(2) || MaxConnectionDuration > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("must be between 00:00:02 and 1.00:00:00", [nameof(MaxConnectionDuration)]);
        }

        if (AccessReviewInterval < TimeSpan.FromMilliseconds(100) || AccessReviewInterval > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("must be between 00:00:00.1 and 00:05:00", [nameof(AccessReviewInterval)]);
        }

        if (GoAwayGrace < TimeSpan.Zero || GoAwayGrace >= MaxConnectionDuration)
        {
            yield return new ValidationResult("must be at least 0 and shorter than MaxConnectionDuration", [nameof(GoAwayGrace)]);
        }

        if (StunUri is { Length: > 0 } stun && !(stun.StartsWith("stun:", StringComparison.Ordinal) || stun.StartsWith("stuns:", StringComparison.Ordinal)) || StunUri is { Length: > 256 })
        {
            yield return new ValidationResult("must be a stun: or stuns: URI of at most 256 characters", [nameof(StunUri)]);
        }

        foreach (var turn in TurnUris)
        {
            if (string.IsNullOrWhiteSpace(turn) || turn.Length > 256 || !(turn.StartsWith("turn:", StringComparison.Ordinal) || turn.StartsWith("turns:", StringComparison.Ordinal)))
            {
                yield return new ValidationResult($"'{turn}' is not a turn: or turns: URI of at most 256 characters", [nameof(TurnUris)]);
            }
        }

        if (TurnUris.Length > 16)
        {
            yield return new ValidationResult("at most 16 URIs (clients accept at most 4 servers of 4 URIs)", [nameof(TurnUris)]);
        }

        if (TurnUris.Length > 0 && string.IsNullOrEmpty(TurnSharedSecret))
        {
            yield return new ValidationResult("is required when TurnUris is set (coturn's static-auth-secret)", [nameof(TurnSharedSecret)]);
        }

        if (TurnCredentialLifetime <= TimeSpan.FromSeconds(30) || TurnCredentialLifetime > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("must be more than 00:00:30 (the KVS C SDK refreshes 30 s early) and at most 1.00:00:00", [nameof(TurnCredentialLifetime)]);
        }

        if (!StunEnabled && string.IsNullOrEmpty(StunUri) && TurnUris.Length == 0)
        {
            yield return new ValidationResult("GetIceServerConfig must return at least one server: keep the STUN server, or set StunUri or TurnUris", [nameof(StunEnabled)]);
        }

        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || !(uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                yield return new ValidationResult($"'{origin}' is not an origin such as https://app.example.com", [nameof(AllowedOrigins)]);
            }
        }
    }
}
