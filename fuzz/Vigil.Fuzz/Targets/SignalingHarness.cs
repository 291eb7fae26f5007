using Vigil.Server.Features.Signaling;

namespace Vigil.Fuzz.Targets;

/// <summary>
/// One WebSocket text frame from a signaling client (KVS JS or C SDK shape). Documented refusal: no
/// message and a <see cref="SignalingMessageError"/>; never an exception.
/// </summary>
internal static class SignalingHarness
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        var message = ClientMessageReader.TryRead(data, maxPayloadLength: 10_240, out var error, out _);
        if ((message is null) == (error is null))
        {
            throw new InvalidOperationException("ClientMessageReader must give either a message or an error.");
        }
    }
}
