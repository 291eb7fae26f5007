using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Credentials;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// Closes open signaling WebSockets whose callers lost their access since they connected: every
/// <c>Signaling:AccessReviewInterval</c> each distinct caller (key and channel) of this node's
/// connections is put to every <see cref="ICallerReview"/>; a refused one's connections are closed
/// (1008 "access revoked"). Revocations come from the shared database (the CLI and other nodes write
/// there), so each node of a cluster closes its own connections even when no message between nodes arrives;
/// a <see cref="RevocationNotice"/> (a revocation on any node or by a command) makes it review at once. Cost: a few indexed reads per distinct caller per interval, and nothing while no one is connected.
/// </summary>
internal sealed partial class SignalingAccessReview(
    SignalingHub hub,
    IServiceScopeFactory scopes,
    IOptions<SignalingOptions> options,
    TimeProvider time,
    ILogger<SignalingAccessReview> logger) : BackgroundService, IRevocationListener
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AccessReviewInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ReviewAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.ReviewFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public Task RecheckNowAsync(CancellationToken cancellationToken) => ReviewAsync(cancellationToken);

    public async Task ReviewAsync(CancellationToken cancellationToken)
    {
        var connections = hub.AllConnections().Where(c => c.Caller is not null).ToList();
        if (connections.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var reviews = scope.ServiceProvider.GetServices<ICallerReview>().ToList();
        foreach (var group in connections.GroupBy(c => (c.Caller!.AccessKeyId, c.ChannelArn)))
        {
            var caller = group.First().Caller!;
            foreach (var review in reviews)
            {
                if (!await review.MayStayAsync(caller, group.Key.ChannelArn, cancellationToken))
                {
                    foreach (var connection in group)
                    {
                        Log.Closed(logger, connection.ToString(), caller.ToString());
                        connection.Close(WebSocketCloseStatus.PolicyViolation, "access revoked");
                    }

                    break;
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4150, Level = LogLevel.Warning, Message = "Reviewing the access of signaling connections failed; trying again at the next interval")]
        public static partial void ReviewFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 4151, Level = LogLevel.Information, Message = "Signaling: {Connection} closed: {Caller} no longer has access (key or thing revoked, account disabled or camera unbound)")]
        public static partial void Closed(ILogger logger, string connection, string caller);
    }
}
