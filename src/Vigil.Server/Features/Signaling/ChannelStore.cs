using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Signaling;

/// <summary>Signaling channels in the database: the one place that reads and writes them.</summary>
internal sealed partial class ChannelStore(VigilDbContext db, IOptions<AwsOptions> aws, IOptions<SignalingOptions> options, TimeProvider time, ILogger<ChannelStore> logger)
{
    public string Region => aws.Value.Region;

    public string Account => aws.Value.AccountId;

    public int MaxChannels => options.Value.MaxChannels;

    public Task<SignalingChannel?> FindByNameAsync(string name, CancellationToken cancellationToken) =>
        db.SignalingChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name, cancellationToken);

    /// <summary>The channels of these names, by name (a name without a channel is absent).</summary>
    public async Task<Dictionary<string, SignalingChannel>> FindByNamesAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, SignalingChannel>(StringComparer.Ordinal);
        foreach (var batch in names.Distinct().Chunk(500))
        {
            foreach (var channel in await db.SignalingChannels.AsNoTracking().Where(c => batch.Contains(c.Name)).ToListAsync(cancellationToken))
            {
                found[channel.Name] = channel;
            }
        }

        return found;
    }

    public Task<SignalingChannel?> FindByArnAsync(string arn, CancellationToken cancellationToken) =>
        db.SignalingChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Arn == arn, cancellationToken);

    public Task<SignalingChannel?> FindWithTagsAsync(string arn, CancellationToken cancellationToken) =>
        db.SignalingChannels.Include(c => c.Tags).SingleOrDefaultAsync(c => c.Arn == arn, cancellationToken);

    /// <summary>The ARN a new channel named <paramref name="name"/> gets when created now.</summary>
    public (string Arn, DateTimeOffset CreatedAt) NextArn(string name)
    {
        // Millisecond precision: the ARN's suffix is the creation time in epoch milliseconds.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        return (ChannelRules.Arn(Region, Account, name, now), now);
    }

    public async Task<CreateChannelOutcome> CreateAsync(string name, string arn, DateTimeOffset createdAt, int messageTtlSeconds, IReadOnlyDictionary<string, string> tags, string createdBy, CancellationToken cancellationToken)
    {
        if (await db.SignalingChannels.AnyAsync(c => c.Name == name, cancellationToken))
        {
            return CreateChannelOutcome.NameInUse;
        }

        return (await InsertAsync(name, arn, createdAt, messageTtlSeconds, tags, createdBy, cancellationToken)).Outcome;
    }

    /// <summary>
    /// The channel named <paramref name="name"/>, created with the defaults when missing: what the device
    /// plane calls when it provisions a thing (a camera's channel is named after its thing). Idempotent.
    /// </summary>
    /// <exception cref="OperatorException">The name is not a valid channel name, or Signaling:MaxChannels is reached.</exception>
    public async Task<SignalingChannel> EnsureAsync(string name, string createdBy, CancellationToken cancellationToken)
    {
        if (!ChannelRules.IsName(name))
        {
            throw new OperatorException($"'{name}' cannot be a signaling channel name (1 to 256 of a-z, A-Z, 0-9, '_', '.', '-')");
        }

        if (await FindByNameAsync(name, cancellationToken) is { } existing)
        {
            return existing;
        }

        var (arn, createdAt) = NextArn(name);
        var (outcome, created) = await InsertAsync(name, arn, createdAt, ChannelRules.DefaultMessageTtlSeconds, new Dictionary<string, string>(), createdBy, cancellationToken);
        return outcome switch
        {
            CreateChannelOutcome.Created => created!,
            CreateChannelOutcome.LimitReached => throw new OperatorException($"cannot create signaling channel {name}: Signaling:MaxChannels ({MaxChannels}) is reached"),
            // A concurrent caller created it a moment ago.
            _ => await FindByNameAsync(name, cancellationToken) ?? throw new InvalidOperationException($"Channel {name} vanished after creation."),
        };
    }

    /// <summary>Inserts a channel whose name was free a moment ago (the unique index settles a race).</summary>
    private async Task<(CreateChannelOutcome Outcome, SignalingChannel? Created)> InsertAsync(string name, string arn, DateTimeOffset createdAt, int messageTtlSeconds, IReadOnlyDictionary<string, string> tags, string createdBy, CancellationToken cancellationToken)
    {
        if (await db.SignalingChannels.CountAsync(cancellationToken) >= options.Value.MaxChannels)
        {
            return (CreateChannelOutcome.LimitReached, null);
        }

        var id = Guid.CreateVersion7(createdAt);
        var channel = new SignalingChannel
        {
            Id = id,
            Name = name,
            Arn = arn,
            MessageTtlSeconds = messageTtlSeconds,
            Version = ChannelRules.NewVersion(),
            CreatedAt = createdAt,
            CreatedBy = createdBy,
            Tags = [.. tags.Select(t => new SignalingChannelTag { ChannelId = id, Key = t.Key, Value = t.Value })],
        };
        db.SignalingChannels.Add(channel);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request created the same name between the check and the insert (unique index).
            db.ChangeTracker.Clear();
            return (CreateChannelOutcome.NameInUse, null);
        }

        db.ChangeTracker.Clear();
        Log.Created(logger, name, arn, createdBy);
        return (CreateChannelOutcome.Created, channel);
    }

    /// <summary>A page of channels in name order after <paramref name="afterName"/>, one more than asked to tell whether another page follows.</summary>
    public Task<List<SignalingChannel>> ListAsync(string? prefix, string? afterName, int take, CancellationToken cancellationToken)
    {
        var query = db.SignalingChannels.AsNoTracking();
        if (prefix is not null)
        {
            query = query.Where(c => c.Name.StartsWith(prefix));
        }

        if (afterName is not null)
        {
            query = query.Where(c => string.Compare(c.Name, afterName) > 0);
        }

        return query.OrderBy(c => c.Name).Take(take + 1).ToListAsync(cancellationToken);
    }

    public async Task<ChangeOutcome> UpdateAsync(string arn, string currentVersion, int? messageTtlSeconds, CancellationToken cancellationToken)
    {
        var version = ChannelRules.NewVersion();
        var updated = await db.SignalingChannels
            .Where(c => c.Arn == arn && c.Version == currentVersion)
            .ExecuteUpdateAsync(set => set
                .SetProperty(c => c.Version, version)
                .SetProperty(c => c.MessageTtlSeconds, c => messageTtlSeconds ?? c.MessageTtlSeconds), cancellationToken);
        if (updated == 1)
        {
            Log.Updated(logger, arn);
            return ChangeOutcome.Done;
        }

        return await db.SignalingChannels.AnyAsync(c => c.Arn == arn, cancellationToken) ? ChangeOutcome.VersionMismatch : ChangeOutcome.NotFound;
    }

    public async Task<ChangeOutcome> DeleteAsync(string arn, string? currentVersion, CancellationToken cancellationToken)
    {
        var deleted = await db.SignalingChannels
            .Where(c => c.Arn == arn && (currentVersion == null || c.Version == currentVersion))
            .ExecuteDeleteAsync(cancellationToken);
        if (deleted == 1)
        {
            Log.Deleted(logger, arn);
            return ChangeOutcome.Done;
        }

        return await db.SignalingChannels.AnyAsync(c => c.Arn == arn, cancellationToken) ? ChangeOutcome.VersionMismatch : ChangeOutcome.NotFound;
    }

    /// <summary>Adds or overwrites tags; false when the channel would end up with more than the limit.</summary>
    public async Task<bool> TagAsync(SignalingChannel tracked, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        foreach (var (key, value) in tags)
        {
            if (tracked.Tags.Find(t => t.Key == key) is { } existing)
            {
                existing.Value = value;
            }
            else
            {
                tracked.Tags.Add(new SignalingChannelTag { ChannelId = tracked.Id, Key = key, Value = value });
            }
        }

        if (tracked.Tags.Count > ChannelRules.MaxTags)
        {
            db.ChangeTracker.Clear();
            return false;
        }

        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task UntagAsync(SignalingChannel tracked, IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            tracked.Tags.RemoveAll(t => t.Key == key);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4110, Level = LogLevel.Information, Message = "Signaling channel {Name} created ({Arn}) by {CreatedBy}")]
        public static partial void Created(ILogger logger, string name, string arn, string createdBy);

        [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Signaling channel {Arn} updated")]
        public static partial void Updated(ILogger logger, string arn);

        [LoggerMessage(EventId = 4112, Level = LogLevel.Information, Message = "Signaling channel {Arn} deleted")]
        public static partial void Deleted(ILogger logger, string arn);
    }
}
