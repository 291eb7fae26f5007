using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// The outcome of a KVS API call in AWS's restJson1 shape: a JSON body with exact PascalCase names, or an
/// error (<c>x-amzn-ErrorType</c> header + <c>{"Message": …}</c> body with the model's status code).
/// </summary>
internal sealed class KvsResult
{
    private KvsResult(int status, string? errorType, byte[] body)
    {
        Status = status;
        ErrorType = errorType;
        Body = body;
    }

    public int Status { get; }

    /// <summary>The AWS exception name for errors; null on success.</summary>
    public string? ErrorType { get; }

    public byte[] Body { get; }

    public static KvsResult Ok<T>(T value, JsonTypeInfo<T> typeInfo) =>
        new(StatusCodes.Status200OK, null, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    /// <summary>An AWS error; <paramref name="lowercaseMessage"/> for the two signaling exceptions whose model spells it <c>message</c>.</summary>
    public static KvsResult Error(int status, string errorType, string message, bool lowercaseMessage = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(lowercaseMessage ? "message" : "Message", message);
            writer.WriteEndObject();
        }

        return new KvsResult(status, errorType, buffer.ToArray());
    }
}
