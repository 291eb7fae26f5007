using System.ComponentModel.DataAnnotations;
using System.Net.Mail;

namespace Vigil.Server.Features.Notifications;

/// <summary>Section <c>Notifications</c>: rate limits, the outgoing mail relay and delivery retries.</summary>
internal sealed class NotificationsOptions : IValidatableObject
{
    public const string Section = "Notifications";

    /// <summary>After a notification for (user, camera, label), others for the same are suppressed this long.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this many notifications per user per hour; the rest are suppressed.</summary>
    [Range(1, 100_000, ErrorMessage = "must be from 1 to 100000")]
    public int MaxPerUserPerHour { get; set; } = 30;

    /// <summary>The relay for e-mail notifications; unset means e-mail actions fail with a clear reason.</summary>
    public string? SmtpHost { get; set; }

    [Range(1, 65535, ErrorMessage = "must be a port number from 1 to 65535")]
    public int SmtpPort { get; set; } = 587;

    /// <summary><c>Auto</c>, <c>None</c>, <c>StartTls</c>, <c>StartTlsWhenAvailable</c> or <c>SslOnConnect</c> (MailKit's SecureSocketOptions).</summary>
    public string SmtpSecurity { get; set; } = "Auto";

    public string? SmtpUsername { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>The From address of notification e-mails. Default: <c>vigil@&lt;Server:PublicHost&gt;</c>.</summary>
    public string? From { get; set; }

    /// <summary>Attempts per delivery before it is marked failed.</summary>
    [Range(1, 50, ErrorMessage = "must be from 1 to 50")]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Delay before the first retry; each further retry waits twice as long.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time limit of one webhook or e-mail delivery attempt.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Whether rule webhooks may reach private network addresses (10/8, 172.16/12, 192.168/16,
    /// 100.64/10, fc00::/7): on by default, as a home install's receivers (Home Assistant, Node-RED)
    /// live on the LAN. Turn it off when Vigil runs on a network whose other hosts it must not reach.
    /// </summary>
    public bool AllowPrivateWebhookTargets { get; set; } = true;

    /// <summary>
    /// Whether rule webhooks may reach loopback addresses (this machine's 127.0.0.0/8, ::1). Off: any
    /// user with a rule could otherwise make the server call services that trust local callers.
    /// Vigil's own ports stay refused even when on.
    /// </summary>
    public bool AllowLoopbackWebhookTargets { get; set; }

    /// <summary>The time zone of quiet hours (IANA id, e.g. Europe/Paris). Default: the server's.</summary>
    public string? TimeZone { get; set; }

    public TimeZoneInfo EffectiveTimeZone => string.IsNullOrWhiteSpace(TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Cooldown < TimeSpan.Zero || Cooldown > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("must be between 00:00:00 and 1.00:00:00", [nameof(Cooldown)]);
        }

        if (SmtpSecurity is not ("Auto" or "None" or "StartTls" or "StartTlsWhenAvailable" or "SslOnConnect"))
        {
            yield return new ValidationResult("must be Auto, None, StartTls, StartTlsWhenAvailable or SslOnConnect", [nameof(SmtpSecurity)]);
        }

        if (From is { Length: > 0 } from && !MailAddress.TryCreate(from, out _))
        {
            yield return new ValidationResult($"'{from}' is not an e-mail address", [nameof(From)]);
        }

        if (RetryDelay < TimeSpan.FromMilliseconds(10) || RetryDelay > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("must be between 00:00:00.010 and 01:00:00", [nameof(RetryDelay)]);
        }

        if (DeliveryTimeout < TimeSpan.FromSeconds(1) || DeliveryTimeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("must be between 00:00:01 and 00:05:00", [nameof(DeliveryTimeout)]);
        }

        if (!string.IsNullOrWhiteSpace(TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"'{TimeZone}' is not a known time zone", [nameof(TimeZone)]);
        }
    }
}
