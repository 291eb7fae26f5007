using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// Sends pending deliveries (the outbox the planner fills), retrying failures with exponential
/// backoff up to <c>Notifications:MaxAttempts</c>. A delivery is claimed with a conditional
/// update before it is sent, so two server nodes never send the same one; a crash mid-send
/// leaves it pending and it is sent again (at least once).
/// </summary>
internal sealed partial class NotificationSender(
    IServiceScopeFactory scopes,
    NotificationSignal signal,
    IEnumerable<INotificationAction> actions,
    IOptions<NotificationsOptions> options,
    NotificationMetrics metrics,
    TimeProvider time,
    ILogger<NotificationSender> logger) : BackgroundService
{
    private const int Batch = 20;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.LoopFailed(logger, e);
                wait = TimeSpan.FromSeconds(5);
            }

            if (wait > TimeSpan.Zero)
            {
                await signal.WaitAsync(wait, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Sends what is due; returns how long to wait before the next look (zero: more are due now).</summary>
    public async Task<TimeSpan> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var now = time.GetUtcNow();
        var due = await db.NotificationDeliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.Id)
            .Take(Batch)
            .ToListAsync(cancellationToken);
        foreach (var delivery in due)
        {
            await SendOneAsync(db, delivery, cancellationToken);
        }

        if (due.Count == Batch)
        {
            return TimeSpan.Zero;
        }

        var next = await db.NotificationDeliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending)
            .MinAsync(d => d.NextAttemptAt, cancellationToken);
        var wait = next is { } at ? at - time.GetUtcNow() : IdleWait;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > IdleWait ? IdleWait : wait;
    }

    private async Task SendOneAsync(VigilDbContext db, NotificationDelivery delivery, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var attempt = delivery.Attempts + 1;
        var leaseUntil = time.GetUtcNow() + Lease;
        var claimed = await db.NotificationDeliveries
            .Where(d => d.Id == delivery.Id && d.Status == DeliveryStatus.Pending && d.Attempts == delivery.Attempts)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Attempts, attempt).SetProperty(d => d.NextAttemptAt, leaseUntil), cancellationToken);
        if (claimed != 1)
        {
            return; // another node took it
        }

        string? error = null;
        var action = actions.FirstOrDefault(a => a.Name == delivery.Action);
        var rule = await db.NotificationRules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == delivery.RuleId, cancellationToken);
        var payload = JsonSerializer.Deserialize(delivery.Payload, NotificationsJsonContext.Default.NotificationPayload);
        if (action is null || rule is null || payload is null)
        {
            error = action is null ? $"no action '{delivery.Action}'" : rule is null ? "the rule was deleted" : "the stored payload is unreadable";
            attempt = settings.MaxAttempts;
            metrics.Failed(delivery.Action, "unsendable");
        }
        else
        {
            try
            {
                await action.SendAsync(delivery, payload, rule, cancellationToken);
            }
            catch (NotificationDeliveryException e)
            {
                error = e.Message;
            }
        }

        var now = time.GetUtcNow();
        if (error is null)
        {
            await db.NotificationDeliveries.Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, DeliveryStatus.Sent).SetProperty(d => d.SentAt, now).SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null).SetProperty(d => d.LastError, (string?)null),
                CancellationToken.None);
            Log.Sent(logger, delivery.Id, delivery.Action, delivery.CameraId, delivery.Label);
            metrics.Sent(delivery.Action);
            return;
        }

        error = error.Length > 500 ? error[..500] : error;
        if (attempt >= settings.MaxAttempts)
        {
            await db.NotificationDeliveries.Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, DeliveryStatus.Failed).SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null).SetProperty(d => d.LastError, error),
                CancellationToken.None);
            Log.GaveUp(logger, delivery.Id, delivery.Action, attempt, error);
            if (action is not null && rule is not null && payload is not null)
            {
                metrics.Failed(delivery.Action, "gave_up");
            }

            return;
        }

        var retryAt = now + (settings.RetryDelay * Math.Pow(2, attempt - 1));
        await db.NotificationDeliveries.Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(
            s => s.SetProperty(d => d.NextAttemptAt, retryAt).SetProperty(d => d.LastError, error),
            CancellationToken.None);
        Log.WillRetry(logger, delivery.Id, delivery.Action, attempt, retryAt, error);
        metrics.Failed(delivery.Action, "retrying");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7410, Level = LogLevel.Information, Message = "Notification {DeliveryId} sent by {Action} (camera {CameraId}, label {Label})")]
        public static partial void Sent(ILogger logger, long deliveryId, string action, Guid cameraId, string label);

        [LoggerMessage(EventId = 7411, Level = LogLevel.Warning, Message = "Notification {DeliveryId} by {Action}: attempt {Attempt} failed, retrying at {RetryAt:u}: {Error}")]
        public static partial void WillRetry(ILogger logger, long deliveryId, string action, int attempt, DateTimeOffset retryAt, string error);

        [LoggerMessage(EventId = 7412, Level = LogLevel.Error, Message = "Notification {DeliveryId} by {Action} failed after {Attempts} attempt(s): {Error}")]
        public static partial void GaveUp(ILogger logger, long deliveryId, string action, int attempts, string error);

        [LoggerMessage(EventId = 7413, Level = LogLevel.Error, Message = "The notification sender failed; retrying in 5 s")]
        public static partial void LoopFailed(ILogger logger, Exception exception);
    }
}
