using OpenIddict.Abstractions;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// Deletes expired, redeemed and revoked tokens and the grants left without tokens, every six
/// hours (first a minute after start), so the token table does not grow for ever.
/// </summary>
internal sealed partial class TokenPruner(IServiceScopeFactory scopes, TimeProvider time, ILogger<TokenPruner> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken);
            using var timer = new PeriodicTimer(Interval, time);
            do
            {
                await PruneOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task PruneOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            // Only entries older than a day: a token redeemed a moment ago is still evidence for
            // refresh-token reuse detection.
            var threshold = time.GetUtcNow() - TimeSpan.FromDays(1);
            var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, cancellationToken);
            var grants = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, cancellationToken);
            Log.Pruned(logger, tokens, grants);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Failed(logger, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4030, Level = LogLevel.Debug, Message = "Pruned {Tokens} token(s) and {Authorizations} authorization(s)")]
        public static partial void Pruned(ILogger logger, long tokens, long authorizations);

        [LoggerMessage(EventId = 4031, Level = LogLevel.Warning, Message = "Pruning expired tokens failed; trying again later")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
