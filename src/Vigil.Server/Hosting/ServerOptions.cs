using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Vigil.Server.Hosting;

/// <summary>Section <c>Server</c>: where the web server listens and how the process behaves.</summary>
internal sealed class ServerOptions : IValidatableObject
{
    public const string Section = "Server";

    /// <summary><c>*</c> (every interface), <c>localhost</c>, or one IP address.</summary>
    public string ListenAddress { get; set; } = "*";

    /// <summary>Plain HTTP port; 0 picks a free port (tests).</summary>
    [Range(0, 65535, ErrorMessage = "must be a port number from 0 to 65535")]
    public int HttpPort { get; set; } = 8080;

    /// <summary>HTTPS port (server certificate from Vigil's CA); 0 picks a free port.</summary>
    [Range(0, 65535, ErrorMessage = "must be a port number from 0 to 65535")]
    public int HttpsPort { get; set; } = 8443;

    /// <summary>
    /// The host name cameras and browsers use to reach this server; it goes into agent.json and
    /// the server certificate. Default: this machine's host name.
    /// </summary>
    public string? PublicHost { get; set; }

    /// <summary>
    /// The AWS-style front door, typically 443: one TLS port for MQTT (ALPN <c>x-amzn-mqtt-ca</c> or <c>mqtt</c>;
    /// device certificate required), the credentials provider (SNI <see cref="FrontDoorCredentialsHost"/>; device
    /// certificate required) and everything the HTTPS port serves (no client certificate asked for). Null: off;
    /// 0 picks a free port (tests).
    /// </summary>
    [Range(0, 65535, ErrorMessage = "must be a port number from 0 to 65535")]
    public int? FrontDoorPort { get; set; }

    /// <summary>
    /// The host name that reaches the credentials provider through the front door (TLS SNI). Default:
    /// <c>credentials.</c> followed by <see cref="PublicHost"/>; required when that is an IP address.
    /// </summary>
    public string? FrontDoorCredentialsHost { get; set; }

    /// <summary>
    /// Refuse <c>/api</c>, the KVS control plane and signaling on the plain HTTP port (403 problem naming the
    /// HTTPS URL), so that no token or signature travels in clear. Off only for cameras that can upload only
    /// over plain HTTP on a trusted network. See <see cref="HttpsRequirement"/>.
    /// </summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>
    /// Load balancers (addresses or CIDR networks) that send the PROXY protocol (HAProxy <c>send-proxy-v2</c>) on the
    /// HTTPS, MQTT, credentials-provider, front-door and SMTP ports. Their connections must begin with the header and
    /// are taken to come from the client it names; others are read as usual. Empty (the default): no header is read.
    /// The plain HTTP port never reads it (health checks come there directly).
    /// </summary>
    public string[] ProxyProtocolFrom { get; set; } = [];

    /// <summary><c>Auto</c> (JSON when standard output is not a terminal), <c>Text</c> or <c>Json</c>.</summary>
    public LogFormat LogFormat { get; set; } = LogFormat.Auto;

    /// <summary>How long a SIGTERM waits for requests and background work to finish.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public string EffectivePublicHost => string.IsNullOrWhiteSpace(PublicHost) ? Dns.GetHostName() : PublicHost;

    /// <summary>The credentials provider's name on the front door, lower-case (as SNI is compared).</summary>
    public string EffectiveFrontDoorCredentialsHost =>
        (string.IsNullOrWhiteSpace(FrontDoorCredentialsHost) ? $"credentials.{EffectivePublicHost.TrimEnd('.')}" : FrontDoorCredentialsHost.TrimEnd('.')).ToLowerInvariant();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ListenAddress is not ("*" or "localhost") && !IPAddress.TryParse(ListenAddress, out _))
        {
            yield return new ValidationResult(
                $"'{ListenAddress}' is not '*', 'localhost' or an IP address", [nameof(ListenAddress)]);
        }

        if (HttpPort != 0 && HttpPort == HttpsPort)
        {
            yield return new ValidationResult($"HTTP and HTTPS cannot share port {HttpPort}", [nameof(HttpsPort)]);
        }

        foreach (var entry in ProxyProtocolFrom)
        {
            if (ProxyProtocol.TrustedProxies.TryParseNetwork(entry) is null)
            {
                yield return new ValidationResult($"'{entry}' is not an IP address or a network such as 10.0.0.0/24", [nameof(ProxyProtocolFrom)]);
            }
        }

        if (PublicHost is { Length: > 0 } host && Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            yield return new ValidationResult($"'{host}' is not a valid host name or address", [nameof(PublicHost)]);
        }

        if (FrontDoorPort is { } frontDoor and not 0 && (frontDoor == HttpPort || frontDoor == HttpsPort))
        {
            yield return new ValidationResult($"the front door cannot share port {frontDoor} with HTTP or HTTPS", [nameof(FrontDoorPort)]);
        }

        if (FrontDoorCredentialsHost is { Length: > 0 } credentials && Uri.CheckHostName(credentials) != UriHostNameType.Dns)
        {
            yield return new ValidationResult($"'{credentials}' is not a DNS host name (a TLS client sends no SNI for an address)", [nameof(FrontDoorCredentialsHost)]);
        }
        else if (FrontDoorPort is not null && string.IsNullOrWhiteSpace(FrontDoorCredentialsHost) && IPAddress.TryParse(EffectivePublicHost.Trim('[', ']'), out _))
        {
            yield return new ValidationResult(
                $"is required with Server:FrontDoorPort when Server:PublicHost is an address ({EffectivePublicHost}): the credentials provider is reached by a host name (SNI)",
                [nameof(FrontDoorCredentialsHost)]);
        }

        if (ShutdownTimeout < TimeSpan.FromSeconds(1) || ShutdownTimeout > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult("must be between 00:00:01 and 00:10:00", [nameof(ShutdownTimeout)]);
        }
    }
}
