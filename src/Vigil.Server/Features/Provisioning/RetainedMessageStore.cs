using System.Buffers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Keeps the devices' retained messages in the database (<see cref="RetainedMessage"/>, SQLite or PostgreSQL), so a
/// restart does not lose them and a node that starts later has the cluster's: MQTTnet's broker keeps them in memory
/// and gets them from this class at start (<c>LoadingRetainedMessageAsync</c>: every row, read before the node
/// serves), which it tells of each change (<c>RetainedMessageChangedAsync</c>).
/// </summary>
/// <remarks>
/// <para>Only what a client of this node published is written. A message injected by the server (Home Assistant's
/// availability and discovery, which every node publishes again when it starts) or by the cluster relay (the node
/// where the client is connected wrote it) has no client id and stays out of the table.</para>
/// <para>The write is awaited in the event, before the broker delivers the message and answers the publisher
/// (PUBACK), so a message acknowledged is in the database, with the provider's durability (SQLite waits for the disk).
/// Retained messages are rare and capped per device (<see cref="RetainedMessageQuota"/>), so the wait is short; it is
/// bounded by <see cref="WriteTimeout"/> because MQTTnet runs these events one at a time. A write that fails (database
/// unreachable, the timeout) is not retried: the broker keeps the message in memory and delivers it, the failure is
/// logged as an error and counted (<c>vigil.mqtt.retained.writes</c>, outcome <c>failed</c>), and a restart would not
/// have it.</para>
/// <para><c>RetainedMessagesClearedAsync</c> is not used: nothing in Vigil clears the broker's retained messages at once.</para>
/// </remarks>
internal sealed partial class RetainedMessageStore(
    MqttServer server,
    IServiceScopeFactory scopes,
    IOptions<ProvisioningOptions> options,
    ProvisioningMetrics metrics,
    TimeProvider time,
    ILogger<RetainedMessageStore> logger) : IHostedService
{
    /// <summary>How long a write may hold the publisher (and the broker's other retained changes) at most.</summary>
    public static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    private List<MqttApplicationMessage>? _loaded;

    /// <summary>
    /// Reads every row before the host has started, and so before the broker starts (MQTTnet.AspNetCore starts it once
    /// the host has, and hands it no client until its retained messages are loaded; a load that waited on the
    /// database there would have the broker drop the connections that arrive meanwhile). A database that cannot be
    /// read fails the start, as the migrations before it would.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            var rows = await db.RetainedMessages.AsNoTracking().ToListAsync(cancellationToken);
            var now = time.GetUtcNow();
            var loaded = new List<MqttApplicationMessage>(rows.Count);
            var expired = 0;
            foreach (var row in rows)
            {
                if (ToMessage(row, now) is { } message)
                {
                    loaded.Add(message);
                }
                else
                {
                    // Unless another node set the topic again meanwhile.
                    expired += await db.RetainedMessages.Where(m => m.Topic == row.Topic && m.SetAt == row.SetAt).ExecuteDeleteAsync(cancellationToken);
                }
            }

            _loaded = loaded;
            Log.Loaded(logger, loaded.Count, expired);
        }

        server.LoadingRetainedMessageAsync += OnLoadingAsync;
        server.RetainedMessageChangedAsync += OnChangedAsync;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        server.LoadingRetainedMessageAsync -= OnLoadingAsync;
        server.RetainedMessageChangedAsync -= OnChangedAsync;
        return Task.CompletedTask;
    }

    /// <summary>How many retained topics other than <paramref name="topic"/> the client <paramref name="clientId"/> holds, in the whole cluster.</summary>
    public async Task<int> CountOtherTopicsAsync(string clientId, string topic, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        return await db.RetainedMessages.CountAsync(m => m.ClientId == clientId && m.Topic != topic, cancellationToken);
    }

    /// <summary>
    /// An empty retained publish from <paramref name="clientId"/> for a topic this node's broker does not hold (so it
    /// raises no change event): the row goes anyway, if another node's message reached the table and not this broker.
    /// </summary>
    public async Task DeleteUnheldAsync(string clientId, string topic, CancellationToken cancellationToken)
    {
        if (await server.GetRetainedMessageAsync(topic) is null)
        {
            await WriteAsync(clientId, new MqttApplicationMessageBuilder().WithTopic(topic).WithRetainFlag().Build(), cancellationToken);
        }
    }

    /// <summary>
    /// A revoked thing: its rows go (again: <see cref="RetainedMessageRevocation"/> deleted them with the revocation, and
    /// the thing may have published in between), and so do the retained messages of this node's broker on the topics
    /// that are its alone (the <c>Provisioning:DeviceTopics</c> that name the thing). A message it left on a topic
    /// shared with other things is gone from the table but stays in the running brokers until they restart.
    /// </summary>
    public async Task ForgetThingAsync(string thingName, CancellationToken cancellationToken)
    {
        int deleted;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            deleted = await db.RetainedMessages.Where(m => m.ClientId == thingName).ExecuteDeleteAsync(cancellationToken);
        }

        var own = DevicePolicy.DeviceTopicsFor(
            [.. options.Value.EffectiveDeviceTopics.Where(t => t.Contains(DevicePolicy.ThingNameVariable, StringComparison.Ordinal) || t.Contains(DevicePolicy.ClientIdVariable, StringComparison.Ordinal))],
            thingName);
        var cleared = 0;
        if (own.Count > 0 && server.IsStarted)
        {
            foreach (var message in await server.GetRetainedMessagesAsync())
            {
                if (own.Any(filter => TopicFilter.Matches(filter, message.Topic)))
                {
                    // An empty retained message clears the topic; without a client id, nothing is written.
                    await server.UpdateRetainedMessageAsync(new MqttApplicationMessageBuilder().WithTopic(message.Topic).WithRetainFlag().Build());
                    cleared++;
                }
            }
        }

        if (deleted + cleared > 0)
        {
            Log.Forgotten(logger, thingName, deleted, cleared);
        }
    }

    private Task OnLoadingAsync(LoadingRetainedMessagesEventArgs args)
    {
        args.LoadedRetainedMessages.AddRange(Interlocked.Exchange(ref _loaded, null) ?? []);
        return Task.CompletedTask;
    }

    private async Task OnChangedAsync(RetainedMessageChangedEventArgs args)
    {
        if (string.IsNullOrEmpty(args.ClientId))
        {
            return; // the server's own, or another node's (written there)
        }

        // The real clock: a test's fake one would never end the wait.
        using var timeout = new CancellationTokenSource(WriteTimeout);
        await WriteAsync(args.ClientId, args.ChangedRetainedMessage, timeout.Token);
    }

    /// <summary>Stores or (empty payload) deletes the row of the message's topic; a failure is logged and counted, never thrown.</summary>
    private async Task WriteAsync(string clientId, MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var topic = message.Topic;
        try
        {
            if (message.Payload.IsEmpty)
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
                await db.RetainedMessages.Where(m => m.Topic == topic).ExecuteDeleteAsync(cancellationToken);
                metrics.RetainedWrite("deleted");
                return;
            }

            var row = ToRow(clientId, message, time.GetUtcNow());
            for (var attempt = 1; ; attempt++)
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
                try
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    await db.RetainedMessages.Where(m => m.Topic == topic).ExecuteDeleteAsync(cancellationToken);
                    db.RetainedMessages.Add(row);
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    metrics.RetainedWrite("stored");
                    return;
                }
                catch (DbUpdateException) when (attempt == 1)
                {
                    // Another node inserted the same topic between our delete and insert: once more replaces it.
                }
            }
        }
        catch (Exception e)
        {
            metrics.RetainedWrite("failed");
            Log.WriteFailed(logger, e, clientId, topic);
        }
    }

    private static RetainedMessage ToRow(string clientId, MqttApplicationMessage message, DateTimeOffset now) => new()
    {
        Topic = message.Topic,
        Payload = message.Payload.ToArray(),
        QualityOfService = (int)message.QualityOfServiceLevel,
        ContentType = message.ContentType,
        ResponseTopic = message.ResponseTopic,
        CorrelationData = message.CorrelationData,
        UserPropertiesJson = message.UserProperties is { Count: > 0 } properties
            ? JsonSerializer.Serialize(properties.Select(p => new RetainedUserProperty(p.Name, p.ValueBuffer.ToArray())).ToList(), ProvisioningJsonContext.Default.ListRetainedUserProperty)
            : null,
        PayloadFormatIndicator = (int)message.PayloadFormatIndicator,
        MessageExpiryInterval = message.MessageExpiryInterval,
        ClientId = clientId,
        SetAt = now,
    };

    /// <summary>The message a row holds, with what is left of its expiry interval (MQTT 5 §3.3.2.3.3); null once it has expired.</summary>
    internal static MqttApplicationMessage? ToMessage(RetainedMessage row, DateTimeOffset now)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(row.Topic)
            .WithPayload(row.Payload)
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)row.QualityOfService)
            .WithRetainFlag();
        if (row.MessageExpiryInterval > 0)
        {
            var left = row.MessageExpiryInterval - (long)(now - row.SetAt).TotalSeconds;
            if (left <= 0)
            {
                return null;
            }

            builder.WithMessageExpiryInterval((uint)left);
        }

        if (row.ContentType is { } contentType)
        {
            builder.WithContentType(contentType);
        }

        if (row.ResponseTopic is { } responseTopic)
        {
            builder.WithResponseTopic(responseTopic);
        }

        if (row.CorrelationData is { } correlation)
        {
            builder.WithCorrelationData(correlation);
        }

        if (row.PayloadFormatIndicator != 0)
        {
            builder.WithPayloadFormatIndicator((MqttPayloadFormatIndicator)row.PayloadFormatIndicator);
        }

        if (row.UserPropertiesJson is { } json)
        {
            foreach (var property in JsonSerializer.Deserialize(json, ProvisioningJsonContext.Default.ListRetainedUserProperty) ?? [])
            {
                builder.WithUserProperty(property.Name, new ReadOnlyMemory<byte>(property.Value));
            }
        }

        return builder.Build();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 560, Level = LogLevel.Information, Message = "MQTT: loaded {Count} retained message(s) from the database ({Expired} expired, deleted)")]
        public static partial void Loaded(ILogger logger, int count, int expired);

        [LoggerMessage(EventId = 562, Level = LogLevel.Error, Message = "MQTT: the retained message of client {ClientId} on {Topic} was not written to the database; the broker holds it in memory, a restart would not have it")]
        public static partial void WriteFailed(ILogger logger, Exception exception, string clientId, string topic);

        [LoggerMessage(EventId = 563, Level = LogLevel.Information, Message = "MQTT: revoked thing {ThingName}: {Deleted} retained message(s) deleted from the database, {Cleared} cleared from this broker")]
        public static partial void Forgotten(ILogger logger, string thingName, int deleted, int cleared);
    }
}
