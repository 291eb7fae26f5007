using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// <c>Provisioning:MaxRetainedMessagesPerDevice</c>: the retained topics each device has set on
/// this node's broker (which keeps retained messages in memory), so one device cannot fill the
/// broker's memory with retained messages on ever new topics. Replacing one of its topics or
/// clearing it (an empty retained payload, MQTT 5 §3.3.1.3) is always allowed.
/// </summary>
internal sealed class RetainedMessageQuota(IOptions<ProvisioningOptions> options)
{
    private readonly ConcurrentDictionary<string, HashSet<string>> _topics = new(StringComparer.Ordinal);

    public int Limit => options.Value.MaxRetainedMessagesPerDevice;

    /// <summary>Records a retained publish of <paramref name="device"/>; false (and nothing recorded) when it is over its quota.</summary>
    public bool TryRetain(string device, string topic, bool clears)
    {
        var topics = _topics.GetOrAdd(device, _ => new HashSet<string>(StringComparer.Ordinal));
        lock (topics)
        {
            if (clears)
            {
                topics.Remove(topic);
                return true;
            }

            if (topics.Contains(topic))
            {
                return true;
            }

            if (topics.Count >= Limit)
            {
                return false;
            }

            topics.Add(topic);
            return true;
        }
    }
}
