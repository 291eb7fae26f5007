namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// A retained MQTT message a device published (MQTT 5 §3.3.1.3), kept in the database so that it survives a restart
/// and reaches a node that starts later, as AWS IoT Core keeps retained messages until they are deleted. One row per
/// topic: a newer retained message on the topic replaces it, an empty one deletes it. What is kept is what MQTTnet's
/// broker keeps of a message (<see cref="RetainedMessageStore"/>).
/// </summary>
internal sealed class RetainedMessage
{
    /// <summary>
    /// Longest topic kept, in characters: a retained publish to a longer topic is refused (PostgreSQL's index
    /// cannot hold a key of any length; AWS IoT allows 256 bytes).
    /// </summary>
    public const int MaxTopicLength = 1024;

    public required string Topic { get; init; }

    public required byte[] Payload { get; set; }

    /// <summary>0 or 1 (a QoS 2 message is kept as sent; AWS IoT has no QoS 2, subscriptions get QoS 1).</summary>
    public required int QualityOfService { get; set; }

    public string? ContentType { get; set; }

    public string? ResponseTopic { get; set; }

    public byte[]? CorrelationData { get; set; }

    /// <summary>MQTT 5 user properties in order, as a JSON array of <see cref="RetainedUserProperty"/>; null when there are none.</summary>
    public string? UserPropertiesJson { get; set; }

    /// <summary>0 unspecified (bytes), 1 UTF-8 character data.</summary>
    public int PayloadFormatIndicator { get; set; }

    /// <summary>Seconds the message lives after <see cref="SetAt"/> (0: for ever); an expired row is not loaded.</summary>
    public long MessageExpiryInterval { get; set; }

    /// <summary>The MQTT client id that published it: for a device, its thing name (what revocation deletes by, and the quota counts).</summary>
    public required string ClientId { get; set; }

    public required DateTimeOffset SetAt { get; set; }
}
