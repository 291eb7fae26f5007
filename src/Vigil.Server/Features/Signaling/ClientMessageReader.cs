using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// Reads a client's signaling message from one WebSocket text frame. Both KVS SDKs must be understood:
/// the JS SDK sends compact camelCase (<c>messagePayload</c>), the C SDK pretty-printed PascalCase
/// (<c>MessagePayload</c>, <c>RecipientClientId</c> possibly <c>""</c>) with a lowercase <c>action</c> and sometimes
/// an extra <c>IceServerList</c>: member names compare case-insensitively and unknown members are skipped.
/// Untrusted input: the outcome is a message or a <see cref="SignalingMessageError"/>, never an exception.
/// </summary>
internal static class ClientMessageReader
{
    public const int MaxIdLength = 256;

    private static readonly SearchValues<byte> Base64Bytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    private static readonly JsonReaderOptions Options = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    public static ClientMessage? TryRead(ReadOnlySpan<byte> utf8, int maxPayloadLength, out SignalingMessageError? error, out string? correlationId)
    {
        error = null;
        correlationId = null;
        string? action = null;
        byte[]? payload = null;
        string? recipient = null;
        var seen = 0;
        try
        {
            var reader = new Utf8JsonReader(utf8, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = new SignalingMessageError("The message must be a JSON object.");
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var member = Member(ref reader);
                if (!reader.Read())
                {
                    break;
                }

                if (member == 0)
                {
                    reader.Skip();
                    continue;
                }

                if ((seen & member) != 0)
                {
                    error = new SignalingMessageError("A member appears twice in the message.");
                    return null;
                }

                seen |= member;
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    error = new SignalingMessageError("action, recipientClientId, messagePayload and correlationId must be strings.");
                    return null;
                }

                // A bad value is remembered, not returned at once: the rest of the message is still read so
                // that a correlationId after it can be answered with a STATUS_RESPONSE.
                SignalingMessageError? problem;
                switch (member)
                {
                    case ActionMember:
                        action = reader.GetString();
                        problem = null;
                        break;
                    case RecipientMember:
                        recipient = ReadId(ref reader, "recipientClientId", out problem);
                        break;
                    case CorrelationMember:
                        correlationId = ReadId(ref reader, "correlationId", out problem);
                        break;
                    default:
                        payload = ReadPayload(ref reader, maxPayloadLength, out problem);
                        break;
                }

                error ??= problem;
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = new SignalingMessageError("The message must be one JSON object.");
                return null;
            }

            if (error is not null)
            {
                return null;
            }
        }
        catch (JsonException)
        {
            error = new SignalingMessageError("The message is not valid JSON.");
            return null;
        }
        catch (InvalidOperationException)
        {
            // GetString on a string with invalid UTF-8.
            error = new SignalingMessageError("The message is not valid UTF-8 JSON.");
            return null;
        }

        SignalingAction? parsed = action switch
        {
            "SDP_OFFER" => SignalingAction.SdpOffer,
            "SDP_ANSWER" => SignalingAction.SdpAnswer,
            "ICE_CANDIDATE" => SignalingAction.IceCandidate,
            _ => null,
        };
        if (parsed is null)
        {
            error = new SignalingMessageError("action must be SDP_OFFER, SDP_ANSWER or ICE_CANDIDATE.");
            return null;
        }

        if (payload is null)
        {
            error = new SignalingMessageError("messagePayload is required.");
            return null;
        }

        return new ClientMessage(parsed.Value, payload, string.IsNullOrEmpty(recipient) ? null : recipient, correlationId);
    }

    private const int ActionMember = 1;
    private const int RecipientMember = 2;
    private const int PayloadMember = 4;
    private const int CorrelationMember = 8;

    private static int Member(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > 32)
        {
            // Known names are short ASCII; an escaped name is compared after unescaping.
            var name = reader.GetString()!;
            return MemberOf(name);
        }

        Span<char> chars = stackalloc char[32];
        var count = Encoding.UTF8.GetChars(reader.ValueSpan, chars);
        return MemberOf(chars[..count]);
    }

    private static int MemberOf(ReadOnlySpan<char> name) =>
        name.Equals("action", StringComparison.OrdinalIgnoreCase) ? ActionMember
        : name.Equals("recipientClientId", StringComparison.OrdinalIgnoreCase) ? RecipientMember
        : name.Equals("messagePayload", StringComparison.OrdinalIgnoreCase) ? PayloadMember
        : name.Equals("correlationId", StringComparison.OrdinalIgnoreCase) ? CorrelationMember
        : 0;

    private static string? ReadId(ref Utf8JsonReader reader, string name, out SignalingMessageError? error)
    {
        error = null;
        var value = reader.GetString()!;
        if (value.Length == 0 && name == "recipientClientId")
        {
            return null;
        }

        if (value.Length is 0 or > MaxIdLength || value.AsSpan().ContainsAnyExcept(ChannelRules.NameChars))
        {
            error = new SignalingMessageError($"{name} must be 1 to 256 characters of a-z, A-Z, 0-9, '_', '.' and '-'.");
            return null;
        }

        return value;
    }

    private static byte[]? ReadPayload(ref Utf8JsonReader reader, int maxLength, out SignalingMessageError? error)
    {
        error = null;
        byte[] bytes;
        if (reader.ValueIsEscaped)
        {
            // e.g. "\/" for "/": legal JSON, so unescape before checking.
            var text = reader.GetString()!;
            if (text.Length > maxLength)
            {
                error = TooLong(maxLength);
                return null;
            }

            bytes = Encoding.UTF8.GetBytes(text);
        }
        else
        {
            if (reader.ValueSpan.Length > maxLength)
            {
                error = TooLong(maxLength);
                return null;
            }

            bytes = reader.ValueSpan.ToArray();
        }

        if (bytes.Length == 0 || bytes.AsSpan().ContainsAnyExcept(Base64Bytes))
        {
            error = new SignalingMessageError("messagePayload must be base64 (standard alphabet) and not empty.");
            return null;
        }

        return bytes;
    }

    private static SignalingMessageError TooLong(int maxLength) =>
        new($"messagePayload is longer than {maxLength} characters.");
}
