namespace Vigil.Server.Features.Notifications;

internal enum DeliveryStatus
{
    /// <summary>Decided; waiting to be sent (or retried).</summary>
    Pending,
    Sent,

    /// <summary>Every attempt failed.</summary>
    Failed,

    /// <summary>Not sent on purpose: cooldown, hourly cap or quiet hours (see the reason).</summary>
    Suppressed,
}
