using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// <c>Provisioning:MaxRetainedMessagesPerDevice</c>: how many retained topics one device may hold, so that it cannot
/// fill the database and every node's memory with retained messages on ever new topics. Counted in the table
/// (<see cref="RetainedMessageStore"/>), so the cap holds across restarts and across the nodes of a cluster (one
/// indexed query per retained publish; a client's publishes are handled one after another, so two of its own cannot
/// both take the last place). Replacing one of its topics or clearing it (an empty retained payload, MQTT 5 §3.3.1.3)
/// is always allowed. When the count cannot be read (database unreachable) the message is let through: the broker
/// stays usable, and its write fails and is reported as such.
/// </summary>
internal sealed partial class RetainedMessageQuota(RetainedMessageStore store, IOptions<ProvisioningOptions> options, ILogger<RetainedMessageQuota> logger)
{
    public int Limit => options.Value.MaxRetainedMessagesPerDevice;

    /// <summary>Null when <paramref name="device"/> may retain a message on <paramref name="topic"/>; else why not.</summary>
    public async Task<string?> RefusalAsync(string device, string topic, bool clears, CancellationToken cancellationToken)
    {
        if (clears)
        {
            return null;
        }

        if (topic.Length > RetainedMessage.MaxTopicLength)
        {
            return $"a retained message's topic may be at most {RetainedMessage.MaxTopicLength} characters long";
        }

        int held;
        try
        {
            held = await store.CountOtherTopicsAsync(device, topic, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Log.CountFailed(logger, e, device);
            return null;
        }

        return held >= Limit ? $"at most {Limit} retained messages per device (Provisioning:MaxRetainedMessagesPerDevice)" : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 564, Level = LogLevel.Warning, Message = "MQTT: the retained messages of client {ClientId} could not be counted; its retained publish is let through")]
        public static partial void CountFailed(ILogger logger, Exception exception, string clientId);
    }
}
