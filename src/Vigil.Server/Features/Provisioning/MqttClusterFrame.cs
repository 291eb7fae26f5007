using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// What one node tells the others on the cluster's MQTT channel (<see cref="MqttClusterRelay"/>): a message accepted
/// here (<see cref="MqttClusterFrameKind.Message"/>), or a client that connected here (<see cref="MqttClusterFrameKind.Connected"/>),
/// so that another node holding the same client id closes its connection.
/// </summary>
/// <remarks>
/// Layout (network byte order; a string is a 16-bit length then UTF-8, as MQTT writes them):
/// <code>
/// kind (1: 'M' or 'C') | version (1) | origin node (string)
/// 'M': topic (string) | QoS (1) | flags (1: retain, content type, response topic, correlation data, payload format)
///      | payload format (1) | message expiry interval s (4) | [content type] | [response topic] | [correlation data (16-bit length, bytes)]
///      | user property count (2) | count × (name (string), value (16-bit length, bytes)) | payload length (4) | payload
/// 'C': client id (string) | connected at, Unix ms (8)
/// </code>
/// Frames come from Redis, which every node trusts as much as its own configuration; they are still read with a
/// check before every read, and anything short, long or unknown is refused (false), never an exception.
/// </remarks>
internal static class MqttClusterFrame
{
    private const byte Version = 1;
    private const byte Retain = 1, HasContentType = 2, HasResponseTopic = 4, HasCorrelationData = 8, HasPayloadFormat = 16;

    /// <summary>What a frame adds to the MQTT message it carries, at most: the kind, the origin, lengths (topic and properties count in the packet's limit already).</summary>
    public const int Overhead = 1024;

    public static byte[] Message(string origin, MqttApplicationMessage message)
    {
        var writer = new ArrayBufferWriter<byte>(256 + (int)message.Payload.Length);
        writer.Write([(byte)MqttClusterFrameKind.Message, Version]);
        WriteString(writer, origin);
        WriteString(writer, message.Topic);
        byte flags = 0;
        flags |= message.Retain ? Retain : (byte)0;
        flags |= message.ContentType is not null ? HasContentType : (byte)0;
        flags |= message.ResponseTopic is not null ? HasResponseTopic : (byte)0;
        flags |= message.CorrelationData is not null ? HasCorrelationData : (byte)0;
        flags |= message.PayloadFormatIndicator != MqttPayloadFormatIndicator.Unspecified ? HasPayloadFormat : (byte)0;
        writer.Write([(byte)message.QualityOfServiceLevel, flags, (byte)message.PayloadFormatIndicator]);
        BinaryPrimitives.WriteUInt32BigEndian(writer.GetSpan(4), message.MessageExpiryInterval);
        writer.Advance(4);
        if (message.ContentType is { } contentType)
        {
            WriteString(writer, contentType);
        }

        if (message.ResponseTopic is { } responseTopic)
        {
            WriteString(writer, responseTopic);
        }

        if (message.CorrelationData is { } correlation)
        {
            WriteBytes(writer, correlation);
        }

        var properties = message.UserProperties ?? [];
        BinaryPrimitives.WriteUInt16BigEndian(writer.GetSpan(2), checked((ushort)properties.Count));
        writer.Advance(2);
        foreach (var property in properties)
        {
            WriteString(writer, property.Name);
            WriteBytes(writer, property.ValueBuffer.Span);
        }

        BinaryPrimitives.WriteUInt32BigEndian(writer.GetSpan(4), checked((uint)message.Payload.Length));
        writer.Advance(4);
        foreach (var segment in message.Payload)
        {
            writer.Write(segment.Span);
        }

        return writer.WrittenSpan.ToArray();
    }

    public static byte[] Connected(string origin, string clientId, DateTimeOffset at)
    {
        var writer = new ArrayBufferWriter<byte>(64);
        writer.Write([(byte)MqttClusterFrameKind.Connected, Version]);
        WriteString(writer, origin);
        WriteString(writer, clientId);
        BinaryPrimitives.WriteInt64BigEndian(writer.GetSpan(8), at.ToUnixTimeMilliseconds());
        writer.Advance(8);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>The kind and origin of a frame; false for anything else (another version, too short).</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> frame, out MqttClusterFrameKind kind, out string origin, out int consumed)
    {
        kind = default;
        origin = "";
        consumed = 0;
        if (frame.Length < 2 || frame[1] != Version || frame[0] is not ((byte)MqttClusterFrameKind.Message or (byte)MqttClusterFrameKind.Connected))
        {
            return false;
        }

        kind = (MqttClusterFrameKind)frame[0];
        var at = 2;
        if (!TryReadString(frame, ref at, out origin))
        {
            return false;
        }

        consumed = at;
        return true;
    }

    public static bool TryReadMessage(ReadOnlySpan<byte> frame, int at, out MqttApplicationMessage message)
    {
        message = null!;
        // A topic name, not a filter (MQTT 5 §4.7.3): what the broker would refuse to inject.
        if (!TryReadString(frame, ref at, out var topic) || topic.Length == 0 || topic.AsSpan().IndexOfAny('+', '#', '\0') >= 0 || frame.Length - at < 7)
        {
            return false;
        }

        var qos = frame[at];
        var flags = frame[at + 1];
        var format = frame[at + 2];
        var expiry = BinaryPrimitives.ReadUInt32BigEndian(frame[(at + 3)..]);
        at += 7;
        if (qos > 2 || format > 1)
        {
            return false;
        }

        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos)
            .WithRetainFlag((flags & Retain) != 0);
        if (expiry > 0)
        {
            builder.WithMessageExpiryInterval(expiry);
        }

        if ((flags & HasPayloadFormat) != 0)
        {
            builder.WithPayloadFormatIndicator((MqttPayloadFormatIndicator)format);
        }

        if ((flags & HasContentType) != 0)
        {
            if (!TryReadString(frame, ref at, out var contentType))
            {
                return false;
            }

            builder.WithContentType(contentType);
        }

        if ((flags & HasResponseTopic) != 0)
        {
            if (!TryReadString(frame, ref at, out var responseTopic))
            {
                return false;
            }

            builder.WithResponseTopic(responseTopic);
        }

        if ((flags & HasCorrelationData) != 0)
        {
            if (!TryReadBytes(frame, ref at, out var correlation))
            {
                return false;
            }

            builder.WithCorrelationData(correlation);
        }

        if (frame.Length - at < 2)
        {
            return false;
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
        at += 2;
        for (var i = 0; i < count; i++)
        {
            if (!TryReadString(frame, ref at, out var name) || !TryReadBytes(frame, ref at, out var value))
            {
                return false;
            }

            builder.WithUserProperty(name, new ReadOnlyMemory<byte>(value));
        }

        if (frame.Length - at < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(frame[at..]);
        at += 4;
        if (length != frame.Length - at)
        {
            return false;
        }

        message = builder.WithPayload(frame[at..].ToArray()).Build();
        return true;
    }

    public static bool TryReadConnected(ReadOnlySpan<byte> frame, int at, out string clientId, out DateTimeOffset connectedAt)
    {
        connectedAt = default;
        if (!TryReadString(frame, ref at, out clientId) || clientId.Length == 0 || frame.Length - at != 8)
        {
            return false;
        }

        var ms = BinaryPrimitives.ReadInt64BigEndian(frame[at..]);
        if (ms < 0 || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        connectedAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return true;
    }

    private static void WriteString(ArrayBufferWriter<byte> writer, string value)
    {
        var length = checked((ushort)Encoding.UTF8.GetByteCount(value));
        var span = writer.GetSpan(2 + length);
        BinaryPrimitives.WriteUInt16BigEndian(span, length);
        Encoding.UTF8.GetBytes(value, span[2..]);
        writer.Advance(2 + length);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        var length = checked((ushort)value.Length);
        var span = writer.GetSpan(2 + length);
        BinaryPrimitives.WriteUInt16BigEndian(span, length);
        value.CopyTo(span[2..]);
        writer.Advance(2 + length);
    }

    private static bool TryReadString(ReadOnlySpan<byte> frame, ref int at, out string value)
    {
        value = "";
        if (!TryReadLength(frame, ref at, out var length))
        {
            return false;
        }

        try
        {
            value = Utf8.GetString(frame.Slice(at, length));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        at += length;
        return true;
    }

    private static bool TryReadBytes(ReadOnlySpan<byte> frame, ref int at, out byte[] value)
    {
        value = [];
        if (!TryReadLength(frame, ref at, out var length))
        {
            return false;
        }

        value = frame.Slice(at, length).ToArray();
        at += length;
        return true;
    }

    private static bool TryReadLength(ReadOnlySpan<byte> frame, ref int at, out int length)
    {
        length = 0;
        if (frame.Length - at < 2)
        {
            return false;
        }

        length = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
        at += 2;
        return frame.Length - at >= length;
    }

    /// <summary>Strict UTF-8: a malformed string is a malformed frame, not replacement characters.</summary>
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
