using System.Text;
using Vigil.Server.Features.Signaling;

namespace Vigil.Server.Tests.Features.Cluster;

/// <summary>The waiting-message entries the Redis backplane stores and reads back: round trip, truncation, random bytes.</summary>
public sealed class SignalingBackplaneFramesTests
{
    private static readonly byte[] Frame = """{"senderClientId":"v1","messageType":"SDP_OFFER","messagePayload":"eyJ0eXBlIjoib2ZmZXIifQ=="}"""u8.ToArray();

    [Fact]
    public void An_entry_reads_back_its_expiry_and_frame_byte_for_byte()
    {
        var entry = RedisSignalingBackplane.QueueEntry.Write("v1", SignalingAction.SdpOffer, 1_765_000_000_123, Frame);

        Assert.True(RedisSignalingBackplane.QueueEntry.TryRead(entry, out var expiresAt, out var frame));
        Assert.Equal(1_765_000_000_123, expiresAt);
        Assert.Equal(Frame, frame);
        Assert.StartsWith("v1|SdpOffer|", Encoding.ASCII.GetString(entry), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_before_the_frame_is_refused()
    {
        var entry = RedisSignalingBackplane.QueueEntry.Write(":master", SignalingAction.IceCandidate, 42, Frame);
        var header = entry.Length - Frame.Length;

        for (var length = 0; length < header; length++)
        {
            Assert.False(RedisSignalingBackplane.QueueEntry.TryRead(entry[..length], out _, out _), $"length {length}");
        }

        Assert.False(RedisSignalingBackplane.QueueEntry.TryRead(null, out _, out _));
        Assert.False(RedisSignalingBackplane.QueueEntry.TryRead("a|b|not-a-number|{}"u8.ToArray(), out _, out _));
        Assert.False(RedisSignalingBackplane.QueueEntry.TryRead("a|b|-5|{}"u8.ToArray(), out _, out _));
    }

    [Fact]
    public void Random_bytes_are_refused_or_read_without_throwing()
    {
        var random = new Random(18);
        for (var i = 0; i < 10_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (random.Next(2) == 0)
            {
                // Give some inputs the shape's separators, so the number parsing is reached too.
                for (var j = 0; j < bytes.Length; j += random.Next(1, 8))
                {
                    bytes[j] = (byte)'|';
                }
            }

            if (RedisSignalingBackplane.QueueEntry.TryRead(bytes, out var expiresAt, out var frame))
            {
                Assert.True(expiresAt >= 0);
                Assert.True(frame.Length <= bytes.Length);
            }
        }
    }
}
