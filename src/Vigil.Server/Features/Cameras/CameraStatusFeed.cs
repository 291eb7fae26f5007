using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Devices;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// Presence changes of bound cameras, for the status streams of this node. Presence is written by
/// whichever node holds a camera's MQTT connection, so each node polls the things whose presence
/// changed (one indexed query per <c>Cameras:StatusPollInterval</c>, only while someone listens),
/// maps them to their cameras and owners (one more query per batch of changes), and hands each
/// owner's changes to that owner's streams. Polls look back a little past the last change seen (a
/// commit on another node may land late, clocks may differ) and drop what they already delivered.
/// </summary>
internal sealed partial class CameraStatusFeed(
    IServiceScopeFactory scopes,
    IOptions<CamerasOptions> options,
    TimeProvider time,
    ILogger<CameraStatusFeed> logger) : BackgroundService
{
    /// <summary>How far back each poll looks before the newest change it saw.</summary>
    private static readonly TimeSpan LookBack = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Subscription, byte>> _subscribers = new();
    private readonly Dictionary<string, DateTimeOffset> _delivered = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _listening = new(0);
    private DateTimeOffset _since;
    private int _subscriptionCount;

    /// <summary>Changes of <paramref name="ownerId"/>'s cameras from now on, until disposed.</summary>
    public Subscription Subscribe(Guid ownerId)
    {
        var subscription = new Subscription(this, ownerId);
        _subscribers.GetOrAdd(ownerId, _ => new()).TryAdd(subscription, 0);
        if (Interlocked.Increment(ref _subscriptionCount) == 1)
        {
            _listening.Release();
        }

        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _since = time.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (Volatile.Read(ref _subscriptionCount) == 0)
                {
                    // Nobody listens: sleep until someone does, then start from now.
                    await _listening.WaitAsync(stoppingToken);
                    _since = time.GetUtcNow() - LookBack;
                    _delivered.Clear();
                }

                try
                {
                    await PollAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.PollFailed(logger, e);
                }

                await Task.Delay(options.Value.StatusPollInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var changed = await scope.ServiceProvider.GetRequiredService<ThingRegistry>().PresenceChangedSinceAsync(_since - LookBack, cancellationToken);
        var fresh = changed.Where(t => !_delivered.TryGetValue(t.Name, out var at) || at < t.PresenceChangedAt).ToList();
        foreach (var thing in changed)
        {
            _delivered[thing.Name] = thing.PresenceChangedAt!.Value;
            if (thing.PresenceChangedAt > _since)
            {
                _since = thing.PresenceChangedAt.Value;
            }
        }

        // What is older than the look-back can never be returned again.
        foreach (var old in _delivered.Where(d => d.Value < _since - LookBack - LookBack).Select(d => d.Key).ToList())
        {
            _delivered.Remove(old);
        }

        if (fresh.Count == 0)
        {
            return;
        }

        var serials = fresh.Select(t => t.Serial).ToList();
        var cameras = await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Cameras.AsNoTracking()
            .Where(c => c.Serial != null && serials.Contains(c.Serial))
            .Select(c => new { c.Id, c.OwnerId, c.Serial })
            .ToListAsync(cancellationToken);
        foreach (var camera in cameras)
        {
            var thing = fresh.First(t => t.Serial == camera.Serial);
            Publish(camera.OwnerId, new CameraStatus(camera.Id, thing is { Online: true, RevokedAt: null }, thing.LastSeen, thing.RevokedAt is null));
        }
    }

    private void Publish(Guid ownerId, CameraStatus status)
    {
        if (_subscribers.TryGetValue(ownerId, out var subscriptions))
        {
            foreach (var subscription in subscriptions.Keys)
            {
                subscription.Offer(status);
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        if (_subscribers.TryGetValue(subscription.OwnerId, out var subscriptions) && subscriptions.TryRemove(subscription, out _))
        {
            Interlocked.Decrement(ref _subscriptionCount);
        }
    }

    /// <summary>One stream's queue of changes. A stream that falls far behind loses the oldest: the newest status of a camera is what counts.</summary>
    internal sealed class Subscription(CameraStatusFeed feed, Guid ownerId) : IDisposable
    {
        private readonly Channel<CameraStatus> _changes = Channel.CreateBounded<CameraStatus>(new BoundedChannelOptions(256)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        });

        public Guid OwnerId { get; } = ownerId;

        public ChannelReader<CameraStatus> Changes => _changes.Reader;

        public void Offer(CameraStatus status) => _changes.Writer.TryWrite(status);

        public void Dispose()
        {
            feed.Remove(this);
            _changes.Writer.TryComplete();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8020, Level = LogLevel.Warning, Message = "Looking for camera presence changes failed; retrying")]
        public static partial void PollFailed(ILogger logger, Exception exception);
    }
}
