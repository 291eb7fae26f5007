using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Tests.Stun;

/// Truncated, oversized and random input: the parser and every accessor may only return false.
public sealed class StunParserRobustnessTests
{
    public static TheoryData<string> Vectors =>
    [
        "Stun/rfc5769-2.1-sample-request.hex",
        "Stun/rfc5769-2.2-ipv4-response.hex",
        "Stun/rfc5769-2.3-ipv6-response.hex",
        "Stun/rfc5769-2.4-long-term-request.hex",
    ];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Every_truncation_is_rejected(string vector)
    {
        var bytes = TestVectors.Hex(vector);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(StunMessage.TryParse(bytes.AsSpan(0, length), out _), $"prefix of {length} bytes parsed");
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Trailing_bytes_beyond_the_length_field_are_rejected(string vector)
    {
        var bytes = TestVectors.Hex(vector);
        var oversized = bytes.Concat(new byte[] { 0, 0, 0, 0 }).ToArray();
        Assert.False(StunMessage.TryParse(oversized, out _));
        var huge = bytes.Concat(new byte[70000]).ToArray();
        Assert.False(StunMessage.TryParse(huge, out _));
    }

    [Fact]
    public void Attribute_length_beyond_the_message_is_rejected()
    {
        var bytes = TestVectors.Hex("Stun/rfc5769-2.2-ipv4-response.hex");
        bytes[22] = 0x7F; // SOFTWARE length 0x7F0B
        Assert.False(StunMessage.TryParse(bytes, out _));
    }

    [Fact]
    public void Random_input_only_yields_false_or_a_message_whose_accessors_do_not_throw()
    {
        var random = new FuzzRandom(5769);
        var seeds = Vectors.Select(v => TestVectors.Hex((string)v.Data)).ToArray();
        for (var i = 0; i < 20000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 200)];
                random.NextBytes(input);
                if (input.Length >= 20 && i % 4 == 0)
                {
                    // Make it look like STUN so the attribute walker is exercised too.
                    input[0] &= 0x3F;
                    input[2] = (byte)((input.Length - 20) >> 8);
                    input[3] = (byte)((input.Length - 20) & 0xFC);
                    input[4] = 0x21; input[5] = 0x12; input[6] = 0xA4; input[7] = 0x42;
                }
            }
            else
            {
                // Mutate a valid message: flip a few bytes in place.
                input = (byte[])seeds[random.Next(seeds.Length)].Clone();
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    input[random.Next(20, input.Length)] = (byte)random.Next(256);
                }
            }

            if (StunMessage.TryParse(input, out var message))
            {
                _ = message.TryGetString(StunAttributeType.Username, out _);
                _ = message.TryGetXorAddress(StunAttributeType.XorMappedAddress, out _);
                _ = message.TryGetErrorCode(out _, out _);
                _ = message.TryGetUInt32(StunAttributeType.Priority, out _);
                _ = message.TryGetUInt64(StunAttributeType.IceControlling, out _);
                _ = message.VerifyMessageIntegrity("x"u8);
                _ = message.VerifyFingerprint();
                _ = message.UnknownComprehensionRequired();
            }
        }
    }
}
