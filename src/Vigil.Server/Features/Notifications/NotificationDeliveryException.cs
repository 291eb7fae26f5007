namespace Vigil.Server.Features.Notifications;

/// <summary>A delivery attempt failed (relay refused, endpoint answered an error, timeout); it is retried.</summary>
internal sealed class NotificationDeliveryException : Exception
{
    public NotificationDeliveryException(string message)
        : base(message)
    {
    }

    public NotificationDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NotificationDeliveryException()
    {
    }
}
