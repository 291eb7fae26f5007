using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Features.Ingest;

/// <summary>Section <c>Ingest</c>: how snapshot cameras deliver pictures (SMTP, webhook, HTTP upload) and the limits that protect the server.</summary>
internal sealed class IngestOptions : IValidatableObject
{
    public const string Section = "Ingest";

    /// <summary>SMTP port of <c>vigil serve</c>; 0 picks a free one (tests). Bound on <c>Server:ListenAddress</c>.</summary>
    [Range(0, 65535, ErrorMessage = "must be a port number from 0 to 65535")]
    public int SmtpPort { get; set; } = 2525;

    /// <summary>The domain of private ingest addresses (<c>&lt;token&gt;@&lt;Domain&gt;</c>). Default: <c>Server:PublicHost</c>.</summary>
    public string? Domain { get; set; }

    /// <summary>Largest accepted message (SMTP SIZE, webhook and upload bodies).</summary>
    [Range(1024, 1024L * 1024 * 1024, ErrorMessage = "must be from 1024 bytes to 1 GiB")]
    public long MaxMessageBytes { get; set; } = 25L * 1024 * 1024;

    [Range(1, 1000, ErrorMessage = "must be from 1 to 1000")]
    public int MaxRecipients { get; set; } = 20;

    /// <summary>Longest command or message line, CRLF included (RFC 5321 §4.5.3.1.4–6 say 512 and 1000).</summary>
    [Range(512, 1024 * 1024, ErrorMessage = "must be from 512 to 1048576")]
    public int MaxLineLength { get; set; } = 1000;

    /// <summary>Largest header section of a message (a header bomb is refused).</summary>
    [Range(1024, 16 * 1024 * 1024, ErrorMessage = "must be from 1024 to 16777216")]
    public int MaxHeaderBytes { get; set; } = 64 * 1024;

    /// <summary>Time a client may stay silent before the session is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest SMTP session.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(10);

    [Range(1, 10000, ErrorMessage = "must be from 1 to 10000")]
    public int MaxConnectionsPerIp { get; set; } = 20;

    /// <summary>Allow AUTH without STARTTLS on loopback connections (a local relay or a test client).</summary>
    public bool AllowLoopbackAuthWithoutTls { get; set; }

    /// <summary>Accepted messages per camera per minute (SMTP, webhook and upload together).</summary>
    [Range(1, 1_000_000, ErrorMessage = "must be from 1 to 1000000")]
    public int MaxMessagesPerCameraPerMinute { get; set; } = 120;

    /// <summary>Accepted messages per client IP address per minute.</summary>
    [Range(1, 1_000_000, ErrorMessage = "must be from 1 to 1000000")]
    public int MaxMessagesPerIpPerMinute { get; set; } = 600;

    /// <summary>Failed AUTH attempts after which an SMTP session is closed.</summary>
    [Range(1, 100, ErrorMessage = "must be from 1 to 100")]
    public int MaxAuthFailures { get; set; } = 3;

    public string EffectiveDomain(string publicHost) => string.IsNullOrWhiteSpace(Domain) ? publicHost.ToLowerInvariant() : Domain.ToLowerInvariant();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Domain is { Length: > 0 } domain && Uri.CheckHostName(domain) != UriHostNameType.Dns)
        {
            yield return new ValidationResult($"'{domain}' is not a DNS domain name", [nameof(Domain)]);
        }

        if (IdleTimeout < TimeSpan.FromSeconds(1) || IdleTimeout > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("must be between 00:00:01 and 01:00:00", [nameof(IdleTimeout)]);
        }

        if (SessionTimeout < TimeSpan.FromSeconds(1) || SessionTimeout > TimeSpan.FromHours(24))
        {
            yield return new ValidationResult("must be between 00:00:01 and 1.00:00:00", [nameof(SessionTimeout)]);
        }
    }
}
