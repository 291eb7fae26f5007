using System.Text;
using System.Text.Json;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// The frames the service sends (aws-wire.md §2.3): compact JSON with exact camelCase keys, text frames,
/// the sender's <c>messagePayload</c> forwarded byte for byte.
/// </summary>
internal static class ServerMessages
{
    public static readonly byte[] GoAway = """{"messageType":"GO_AWAY"}"""u8.ToArray();

    public static readonly byte[] ReconnectIceServer = """{"messageType":"RECONNECT_ICE_SERVER"}"""u8.ToArray();

    /// <summary>
    /// A relayed message. <paramref name="senderClientId"/> is the viewer's id on messages to the master and
    /// null on messages from the master (viewers accept it missing; the real service's internal master id
    /// <c>AWS_DEFAULT_SINGLE_MASTER</c> is never shown).
    /// </summary>
    public static byte[] Relay(SignalingAction action, byte[] payload, string? senderClientId)
    {
        // Ids are [a-zA-Z0-9_.-] and payloads base64: neither needs JSON escaping, so the frame is
        // assembled directly, which keeps the relay path to one allocation.
        var type = TypeName(action);
        var length = 64 + type.Length + payload.Length + (senderClientId?.Length ?? 0);
        var buffer = new byte[length];
        var span = buffer.AsSpan();
        var at = 0;
        Append(span, ref at, "{"u8);
        if (senderClientId is not null)
        {
            Append(span, ref at, "\"senderClientId\":\""u8);
            at += Encoding.ASCII.GetBytes(senderClientId, span[at..]);
            Append(span, ref at, "\","u8);
        }

        Append(span, ref at, "\"messageType\":\""u8);
        at += Encoding.ASCII.GetBytes(type, span[at..]);
        Append(span, ref at, "\",\"messagePayload\":\""u8);
        Append(span, ref at, payload);
        Append(span, ref at, "\"}"u8);
        return buffer[..at];
    }

    /// <summary>The answer to a refused message that carried a correlationId; statusCode is a string, as the service sends it.</summary>
    public static byte[] StatusResponse(string correlationId, SignalingMessageError error)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("messageType", "STATUS_RESPONSE");
            writer.WriteStartObject("statusResponse");
            writer.WriteString("correlationId", correlationId);
            writer.WriteString("errorType", error.ErrorType);
            writer.WriteString("statusCode", error.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("description", error.Description);
            writer.WriteBoolean("success", false);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static string TypeName(SignalingAction action) => action switch
    {
        SignalingAction.SdpOffer => "SDP_OFFER",
        SignalingAction.SdpAnswer => "SDP_ANSWER",
        _ => "ICE_CANDIDATE",
    };

    private static void Append(Span<byte> span, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        at += bytes.Length;
    }
}
