using System.Net;
using System.Text;
using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Tests.Stun;

public sealed class StunMessageTests
{
    private const string ShortTermPassword = "VOkJxbRl1RmTxUk/WvJxBt";

    [Fact]
    public void Rfc5769_2_1_sample_request_parses_with_valid_integrity_and_fingerprint()
    {
        var bytes = TestVectors.Hex("Stun/rfc5769-2.1-sample-request.hex");
        Assert.Equal(108, bytes.Length);

        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.Equal(StunMethod.Binding, message.Method);
        Assert.Equal(StunClass.Request, message.Class);
        Assert.True(message.TryGetString(StunAttributeType.Software, out var software));
        Assert.Equal("STUN test client", software);
        Assert.True(message.TryGetUInt32(StunAttributeType.Priority, out var priority));
        Assert.Equal(0x6e0001ffu, priority);
        Assert.True(message.TryGetUInt64(StunAttributeType.IceControlled, out var tieBreaker));
        Assert.Equal(0x932ff9b151263b36ul, tieBreaker);
        Assert.True(message.TryGetString(StunAttributeType.Username, out var username));
        Assert.Equal("evtj:h6vY", username);
        Assert.True(message.VerifyMessageIntegrity(StunCredentials.ShortTermKey(ShortTermPassword)));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Rfc5769_2_1_sample_request_is_reencoded_byte_for_byte()
    {
        var expected = TestVectors.Hex("Stun/rfc5769-2.1-sample-request.hex");
        var id = StunTransactionId.Read(expected.AsSpan(8));

        var built = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, id)
            .AddString(StunAttributeType.Software, "STUN test client")
            .AddUInt32(StunAttributeType.Priority, 0x6e0001ff)
            .AddUInt64(StunAttributeType.IceControlled, 0x932ff9b151263b36)
            .AddString(StunAttributeType.Username, "evtj:h6vY", padding: 0x20)
            .AddMessageIntegrity(StunCredentials.ShortTermKey(ShortTermPassword))
            .AddFingerprint()
            .ToArray();

        Assert.Equal(TestVectors.ToHex(expected), TestVectors.ToHex(built));
    }

    [Fact]
    public void Rfc5769_2_2_ipv4_response_yields_the_mapped_address()
    {
        var bytes = TestVectors.Hex("Stun/rfc5769-2.2-ipv4-response.hex");

        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.Equal(StunClass.SuccessResponse, message.Class);
        Assert.True(message.TryGetXorAddress(StunAttributeType.XorMappedAddress, out var mapped));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), mapped);
        Assert.True(message.TryGetString(StunAttributeType.Software, out var software));
        Assert.Equal("test vector", software);
        Assert.True(message.VerifyMessageIntegrity(StunCredentials.ShortTermKey(ShortTermPassword)));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Rfc5769_2_2_ipv4_response_is_reencoded_byte_for_byte()
    {
        var expected = TestVectors.Hex("Stun/rfc5769-2.2-ipv4-response.hex");
        var built = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, StunTransactionId.Read(expected.AsSpan(8)))
            .AddString(StunAttributeType.Software, "test vector", padding: 0x20)
            .AddXorAddress(StunAttributeType.XorMappedAddress, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853))
            .AddMessageIntegrity(StunCredentials.ShortTermKey(ShortTermPassword))
            .AddFingerprint()
            .ToArray();

        Assert.Equal(TestVectors.ToHex(expected), TestVectors.ToHex(built));
    }

    [Fact]
    public void Rfc5769_2_3_ipv6_response_yields_the_mapped_address()
    {
        var bytes = TestVectors.Hex("Stun/rfc5769-2.3-ipv6-response.hex");

        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.True(message.TryGetXorAddress(StunAttributeType.XorMappedAddress, out var mapped));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), mapped);
        Assert.True(message.VerifyMessageIntegrity(StunCredentials.ShortTermKey(ShortTermPassword)));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Rfc5769_2_3_ipv6_response_is_reencoded_byte_for_byte()
    {
        var expected = TestVectors.Hex("Stun/rfc5769-2.3-ipv6-response.hex");
        var built = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, StunTransactionId.Read(expected.AsSpan(8)))
            .AddString(StunAttributeType.Software, "test vector", padding: 0x20)
            .AddXorAddress(StunAttributeType.XorMappedAddress, new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853))
            .AddMessageIntegrity(StunCredentials.ShortTermKey(ShortTermPassword))
            .AddFingerprint()
            .ToArray();

        Assert.Equal(TestVectors.ToHex(expected), TestVectors.ToHex(built));
    }

    [Fact]
    public void Rfc5769_2_4_long_term_request_verifies_with_the_saslprepped_password()
    {
        var bytes = TestVectors.Hex("Stun/rfc5769-2.4-long-term-request.hex");
        const string username = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
        const string password = "The\u00ADM\u00AAtr\u2168";

        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.False(message.HasFingerprint);
        Assert.True(message.TryGetString(StunAttributeType.Username, out var user));
        Assert.Equal(username, user);
        Assert.True(message.TryGetString(StunAttributeType.Realm, out var realm));
        Assert.Equal("example.org", realm);
        Assert.True(message.TryGetString(StunAttributeType.Nonce, out var nonce));
        Assert.Equal("f//499k954d6OL34oL9FSTvy64sA", nonce);

        var key = StunCredentials.LongTermKey(username, "example.org", password);
        Assert.Equal("e8ca7ad59d5eb0518e312911d2dab2a9", TestVectors.ToHex(key));
        Assert.True(message.VerifyMessageIntegrity(key));
    }

    [Fact]
    public void Saslprep_removes_soft_hyphen_and_applies_compatibility_mappings()
    {
        Assert.Equal("TheMatrIX", StringPrep.Prepare("The\u00ADM\u00AAtr\u2168"));
        Assert.Equal("a b", StringPrep.Prepare("a\u00A0b"));
        Assert.Equal("ABC", StringPrep.Prepare("\uFF21\uFF22\uFF23"));
        Assert.Equal("plain-ascii", StringPrep.Prepare("plain-ascii"));
    }

    [Fact]
    public void Flipping_one_bit_breaks_integrity_and_fingerprint()
    {
        var bytes = TestVectors.Hex("Stun/rfc5769-2.1-sample-request.hex");
        bytes[30] ^= 0x01; // inside SOFTWARE

        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.False(message.VerifyMessageIntegrity(StunCredentials.ShortTermKey(ShortTermPassword)));
        Assert.False(message.VerifyFingerprint());
    }

    [Fact]
    public void Wrong_password_fails_integrity()
    {
        var bytes = TestVectors.Hex("Stun/rfc5769-2.1-sample-request.hex");
        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.False(message.VerifyMessageIntegrity(StunCredentials.ShortTermKey("VOkJxbRl1RmTxUk/WvJxBT")));
    }

    [Fact]
    public void Crc32_check_value_matches_the_standard()
    {
        Assert.Equal(0xCBF43926u, System.IO.Hashing.Crc32.HashToUInt32("123456789"u8));
    }

    [Fact]
    public void Message_type_encoding_interleaves_class_bits()
    {
        Assert.Equal(0x0001, StunMessage.EncodeType(StunMethod.Binding, StunClass.Request));
        Assert.Equal(0x0101, StunMessage.EncodeType(StunMethod.Binding, StunClass.SuccessResponse));
        Assert.Equal(0x0111, StunMessage.EncodeType(StunMethod.Binding, StunClass.ErrorResponse));
        Assert.Equal(0x0113, StunMessage.EncodeType(StunMethod.Allocate, StunClass.ErrorResponse));
        Assert.Equal(0x0016, StunMessage.EncodeType(StunMethod.Send, StunClass.Indication));
        Assert.Equal(0x0017, StunMessage.EncodeType(StunMethod.Data, StunClass.Indication));
        Assert.Equal(0x0109, StunMessage.EncodeType(StunMethod.ChannelBind, StunClass.SuccessResponse));
    }

    [Fact]
    public void Unknown_comprehension_required_attributes_are_listed_and_vendor_attributes_skipped()
    {
        var bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
            .AddString(StunAttributeType.Username, "a:b")
            .Add(0xC057, [0, 1, 0, 10]) // GOOG-NETWORK-INFO, comprehension-optional
            .Add(0x7F31, [1, 2, 3])     // unknown, comprehension-required
            .AddMessageIntegrity("pw"u8)
            .AddFingerprint()
            .ToArray();

        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.Equal([(ushort)0x7F31], message.UnknownComprehensionRequired());
        Assert.True(message.VerifyMessageIntegrity("pw"u8));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Ipv4_mapped_ipv6_addresses_are_encoded_as_ipv4()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:198.18.0.2"), 40000);
        var bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, StunTransactionId.NewRandom())
            .AddXorAddress(StunAttributeType.XorMappedAddress, mapped)
            .ToArray();

        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.True(message.TryGetAttribute(StunAttributeType.XorMappedAddress, out var raw));
        Assert.Equal(StunAddress.FamilyIPv4, raw[1]);
        Assert.True(message.TryGetXorAddress(StunAttributeType.XorMappedAddress, out var decoded));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.18.0.2"), 40000), decoded);
    }

    [Fact]
    public void Attributes_after_message_integrity_other_than_fingerprint_are_ignored()
    {
        var builder = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
            .AddUInt32(StunAttributeType.Priority, 1)
            .AddMessageIntegrity("k"u8)
            .AddUInt32(StunAttributeType.Lifetime, 5);

        Assert.True(StunMessage.TryParse(builder.Written, out var message));
        Assert.False(message.HasAttribute(StunAttributeType.Lifetime));
        Assert.True(message.VerifyMessageIntegrity("k"u8));
    }

    [Fact]
    public void Error_code_round_trips()
    {
        var bytes = new StunMessageBuilder(StunMethod.Allocate, StunClass.ErrorResponse, StunTransactionId.NewRandom())
            .AddErrorCode(438, "Stale Nonce")
            .ToArray();

        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.True(message.TryGetErrorCode(out var code, out var reason));
        Assert.Equal(438, code);
        Assert.Equal("Stale Nonce", reason);
    }

    [Fact]
    public void Fingerprint_must_be_the_last_attribute()
    {
        var bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
            .AddFingerprint()
            .AddUInt32(StunAttributeType.Priority, 1)
            .ToArray();

        Assert.False(StunMessage.TryParse(bytes, out _));
    }

    [Fact]
    public void Username_text_is_decoded_as_utf8()
    {
        var bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
            .Add(StunAttributeType.Username, Encoding.UTF8.GetBytes("ü:ß"))
            .ToArray();
        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.True(message.TryGetString(StunAttributeType.Username, out var username));
        Assert.Equal("ü:ß", username);
    }
}
