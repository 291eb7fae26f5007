using System.Text;
using Vigil.Server.Features.Signaling;

namespace Vigil.Server.Tests.Features.Signaling;

public sealed class ClientMessageReaderTests
{
    private const int Limit = 10_240;

    private static ClientMessage? Read(string json, out SignalingMessageError? error, out string? correlationId) =>
        ClientMessageReader.TryRead(Encoding.UTF8.GetBytes(json), Limit, out error, out correlationId);

    [Fact]
    public void The_js_sdk_shape_is_read()
    {
        var message = Read("""{"action":"SDP_ANSWER","messagePayload":"eyJ0eXBlIjoiYW5zd2VyIn0=","recipientClientId":"TestClientId","correlationId":"1697058567743"}""", out var error, out var correlation);

        Assert.Null(error);
        Assert.Equal(SignalingAction.SdpAnswer, message!.Action);
        Assert.Equal("eyJ0eXBlIjoiYW5zd2VyIn0=", Encoding.ASCII.GetString(message.Payload));
        Assert.Equal("TestClientId", message.RecipientClientId);
        Assert.Equal("1697058567743", correlation);
    }

    [Fact]
    public void The_c_sdk_shape_with_pascal_case_empty_recipient_and_ice_server_list_is_read()
    {
        var message = Read("{\n\t\"action\": \"SDP_OFFER\",\n\t\"RecipientClientId\": \"\",\n\t\"MessagePayload\": \"eyJ0eXBlIjogIm9mZmVyIn0=\",\n\t\"IceServerList\": [{\"Password\": \"p\", \"Ttl\": 298, \"Uris\": [\"turn:a\", \"turns:b\"], \"Username\": \"u\"}]\n}", out var error, out _);

        Assert.Null(error);
        Assert.Equal(SignalingAction.SdpOffer, message!.Action);
        Assert.Null(message.RecipientClientId);
    }

    [Theory]
    [InlineData("""{"messagePayload":"aGk="}""", "action must be SDP_OFFER, SDP_ANSWER or ICE_CANDIDATE.")]
    [InlineData("""{"action":"sdp_offer","messagePayload":"aGk="}""", "action must be SDP_OFFER, SDP_ANSWER or ICE_CANDIDATE.")]
    [InlineData("""{"action":"SDP_OFFER"}""", "messagePayload is required.")]
    [InlineData("""{"action":"SDP_OFFER","messagePayload":""}""", "messagePayload must be base64 (standard alphabet) and not empty.")]
    [InlineData("""{"action":"SDP_OFFER","messagePayload":"a b"}""", "messagePayload must be base64 (standard alphabet) and not empty.")]
    [InlineData("""{"action":"SDP_OFFER","messagePayload":5}""", "action, recipientClientId, messagePayload and correlationId must be strings.")]
    [InlineData("""{"action":"SDP_OFFER","action":"SDP_ANSWER","messagePayload":"aGk="}""", "A member appears twice in the message.")]
    [InlineData("""{"action":"SDP_OFFER","messagePayload":"aGk=","recipientClientId":"has space"}""", "recipientClientId must be 1 to 256 characters of a-z, A-Z, 0-9, '_', '.' and '-'.")]
    [InlineData("""["SDP_OFFER"]""", "The message must be a JSON object.")]
    [InlineData("""{"action":"SDP_OFFER","messagePayload":"aGk="} {}""", "The message is not valid JSON.")]
    [InlineData("""{"action":"SDP_OFFER","messagePayload":"aGk=""", "The message is not valid JSON.")]
    public void Bad_messages_are_refused_with_a_reason(string json, string expected)
    {
        Assert.Null(Read(json, out var error, out _));
        Assert.Equal(expected, error!.Description);
    }

    [Fact]
    public void A_correlation_id_after_a_bad_payload_is_still_read_so_it_can_be_answered()
    {
        Assert.Null(Read($$"""{"action":"SDP_OFFER","messagePayload":"{{new string('A', Limit + 1)}}","correlationId":"late"}""", out var error, out var correlation));
        Assert.Equal("late", correlation);
        Assert.Equal($"messagePayload is longer than {Limit} characters.", error!.Description);
    }

    [Fact]
    public void A_payload_at_the_limit_is_accepted_and_escaped_slashes_are_unescaped()
    {
        Assert.NotNull(Read($$"""{"action":"ICE_CANDIDATE","messagePayload":"{{new string('A', Limit)}}"}""", out _, out _));
        Assert.Equal("a/b=", Encoding.ASCII.GetString(Read("""{"action":"ICE_CANDIDATE","messagePayload":"a\/b="}""", out _, out _)!.Payload));
    }

    [Fact]
    public void Every_truncation_and_random_mutation_yields_a_message_or_a_refusal()
    {
        const string valid = """{"action":"SDP_OFFER","RecipientClientId":"v-1","messagePayload":"eyJ0eXBlIjoib2ZmZXIifQ==","correlationId":"c.1","IceServerList":[{"Uris":["turn:x"],"Ttl":300}]}""";
        var bytes = Encoding.UTF8.GetBytes(valid);
        for (var n = 0; n <= bytes.Length; n++)
        {
            Check(bytes.AsSpan(0, n));
        }

        var random = new Random(31337);
        for (var i = 0; i < 20_000; i++)
        {
            var mutated = (byte[])bytes.Clone();
            for (var e = random.Next(1, 5); e > 0; e--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            Check(mutated);
        }

        for (var i = 0; i < 2000; i++)
        {
            var junk = new byte[random.Next(0, 400)];
            random.NextBytes(junk);
            Check(junk);
        }

        var deep = Encoding.ASCII.GetBytes("""{"x":""" + new string('[', 100) + new string(']', 100) + "}");
        Check(deep);
        Check(Encoding.ASCII.GetBytes($$"""{"action":"SDP_OFFER","messagePayload":"{{new string('A', 1_000_000)}}"}"""));
    }

    private static void Check(ReadOnlySpan<byte> frame)
    {
        var message = ClientMessageReader.TryRead(frame, Limit, out var error, out _);
        Assert.True((message is null) != (error is null));
        if (message is not null)
        {
            Assert.InRange(message.Payload.Length, 1, Limit);
        }
    }
}
