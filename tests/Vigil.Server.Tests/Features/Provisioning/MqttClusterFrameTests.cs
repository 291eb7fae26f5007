using System.Buffers;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using Vigil.Server.Features.Provisioning;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>The frames nodes exchange on the cluster's MQTT channel: round trips, and refusal (false) of anything malformed.</summary>
public sealed class MqttClusterFrameTests
{
    private static MqttApplicationMessage Full() =>
        new MqttApplicationMessageBuilder().WithTopic("shared/één").WithPayload([0, 1, 2, 255]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag().WithContentType("application/json").WithResponseTopic("r/t").WithCorrelationData([9, 8])
            .WithUserProperty("a", "1"u8.ToArray().AsMemory()).WithUserProperty("a", "2"u8.ToArray().AsMemory()).WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .WithMessageExpiryInterval(60).Build();

    [Fact]
    public void A_message_with_every_property_reads_back_as_it_was_written()
    {
        var frame = MqttClusterFrame.Message("node-a", Full());

        Assert.True(MqttClusterFrame.TryReadHeader(frame, out var kind, out var origin, out var at));
        Assert.Equal((MqttClusterFrameKind.Message, "node-a"), (kind, origin));
        Assert.True(MqttClusterFrame.TryReadMessage(frame, at, out var read));
        Assert.Equal("shared/één", read.Topic);
        Assert.Equal([0, 1, 2, 255], read.Payload.ToArray());
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, read.QualityOfServiceLevel);
        Assert.True(read.Retain);
        Assert.Equal(("application/json", "r/t"), (read.ContentType, read.ResponseTopic));
        Assert.Equal([9, 8], read.CorrelationData);
        Assert.Equal([("a", "1"), ("a", "2")], read.UserProperties.Select(p => (p.Name, p.ReadValueAsString())));
        Assert.Equal(MqttPayloadFormatIndicator.CharacterData, read.PayloadFormatIndicator);
        Assert.Equal(60u, read.MessageExpiryInterval);
    }

    [Fact]
    public void A_bare_message_reads_back_without_properties()
    {
        var frame = MqttClusterFrame.Message("n", new MqttApplicationMessageBuilder().WithTopic("t").Build());

        Assert.True(MqttClusterFrame.TryReadHeader(frame, out _, out _, out var at));
        Assert.True(MqttClusterFrame.TryReadMessage(frame, at, out var read));
        Assert.Equal(("t", 0L, false, null, null, null), (read.Topic, read.Payload.Length, read.Retain, read.ContentType, read.ResponseTopic, read.CorrelationData));
        Assert.True(read.UserProperties is null or { Count: 0 });
        Assert.Equal((MqttPayloadFormatIndicator.Unspecified, 0u), (read.PayloadFormatIndicator, read.MessageExpiryInterval));
    }

    [Fact]
    public void A_connect_notice_reads_back_with_its_client_and_time()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_765_000_000_123);
        var frame = MqttClusterFrame.Connected("node-b", "CAM-1", at);

        Assert.True(MqttClusterFrame.TryReadHeader(frame, out var kind, out var origin, out var offset));
        Assert.Equal((MqttClusterFrameKind.Connected, "node-b"), (kind, origin));
        Assert.True(MqttClusterFrame.TryReadConnected(frame, offset, out var clientId, out var connectedAt));
        Assert.Equal(("CAM-1", at), (clientId, connectedAt));
    }

    [Fact]
    public void Every_truncated_or_extended_frame_is_refused()
    {
        foreach (var frame in new[] { MqttClusterFrame.Message("node-a", Full()), MqttClusterFrame.Connected("node-b", "CAM-1", DateTimeOffset.UnixEpoch) })
        {
            for (var length = 0; length < frame.Length; length++)
            {
                Assert.False(ReadsWhole(frame.AsSpan(0, length)), $"a frame cut to {length} of {frame.Length} bytes was read");
            }

            Assert.False(ReadsWhole([.. frame, 0]), "a frame with a byte more was read");
            Assert.True(ReadsWhole(frame));
        }
    }

    [Fact]
    public void Random_and_mutated_frames_are_refused_or_read_never_thrown()
    {
        var random = new Random(20261207);
        var valid = MqttClusterFrame.Message("node-a", Full());
        for (var i = 0; i < 50_000; i++)
        {
            byte[] frame;
            if (i % 2 == 0)
            {
                frame = new byte[random.Next(0, 64)];
                random.NextBytes(frame);
                if (frame.Length > 1)
                {
                    frame[0] = (byte)(random.Next(2) == 0 ? 'M' : 'C');
                    frame[1] = 1;
                }
            }
            else
            {
                frame = [.. valid];
                frame[random.Next(frame.Length)] = (byte)random.Next(256);
            }

            _ = ReadsWhole(frame); // false or true; an exception fails the test
        }
    }

    private static bool ReadsWhole(ReadOnlySpan<byte> frame) =>
        MqttClusterFrame.TryReadHeader(frame, out var kind, out _, out var at)
        && (kind == MqttClusterFrameKind.Message ? MqttClusterFrame.TryReadMessage(frame, at, out _) : MqttClusterFrame.TryReadConnected(frame, at, out _, out _));
}
