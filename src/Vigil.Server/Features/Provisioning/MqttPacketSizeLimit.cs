using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// <c>Provisioning:MaxPacketBytes</c> on every MQTT connection, between TLS and the broker. MQTTnet
/// has no server-side maximum: it waits for a whole packet in the connection's buffer, and a packet
/// larger than Kestrel's read buffer (1 MiB) stalled its connection until keep-alive ended it. Here
/// the fixed header of each packet (MQTT 3.1.1 §2.2, MQTT 5 §2.1.1: type byte, then the remaining
/// length as a variable byte integer of at most 4 bytes) is read as the bytes pass; a packet whose
/// size exceeds the limit is never handed to the broker, and the connection is closed with reason
/// code 0x95 (Packet too large, MQTT 5 §3.14.2.1) in a DISCONNECT for MQTT 5, or closed without one
/// for 3.1.1 (which has no server DISCONNECT). A CONNECT over the limit (no session yet) is simply
/// closed. A malformed remaining length (a fifth length byte) closes the connection too.
/// </summary>
internal sealed partial class MqttPacketSizeLimit(IOptions<ProvisioningOptions> options, DeviceConnections connections, TimeProvider time, ILogger<MqttPacketSizeLimit> logger)
{
    /// <summary>How long a refusal waits for the broker to finish accepting the CONNECT it already has.</summary>
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(10);

    public async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var max = options.Value.MaxPacketBytes;
        var transport = connection.Transport;
        // Room for one whole packet that the broker has not consumed yet, and the next one arriving.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 2L * max + 65536, resumeWriterThreshold: max + 65536, useSynchronizationContext: false));
        connection.Transport = new DuplexPipe(pipe.Reader, transport.Output);
        var pump = PumpAsync(connection, transport.Input, pipe.Writer, max);
        try
        {
            await next(connection);
        }
        finally
        {
            transport.Input.CancelPendingRead();
            await pump;
            connection.Transport = transport;
        }
    }

    private async Task PumpAsync(ConnectionContext connection, PipeReader input, PipeWriter output, int max)
    {
        var scanner = new Scanner(max);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                if (result.IsCanceled)
                {
                    return;
                }

                var buffer = result.Buffer;
                var (accepted, verdict) = scanner.Scan(buffer);
                foreach (var segment in buffer.Slice(0, accepted))
                {
                    output.Write(segment.Span);
                }

                input.AdvanceTo(buffer.GetPosition(accepted), buffer.End);
                var flushed = await output.FlushAsync();
                if (verdict is not Verdict.Continue)
                {
                    // Read and drop the rest while the refusal is sent: data left unread when the
                    // socket closes turns the close into a reset, which could overtake the DISCONNECT.
                    var refusal = RefuseAsync(connection, scanner, verdict);
                    await DrainAsync(input);
                    await refusal;
                    return;
                }

                if (result.IsCompleted || flushed.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException or InvalidOperationException)
        {
            // The connection went away; the broker sees the end of its input.
        }
        finally
        {
            await output.CompleteAsync();
        }
    }

    private static async Task DrainAsync(PipeReader input)
    {
        while (true)
        {
            var result = await input.ReadAsync();
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCanceled || result.IsCompleted)
            {
                return;
            }
        }
    }

    private async Task RefuseAsync(ConnectionContext connection, Scanner scanner, Verdict verdict)
    {
        Log.Refused(logger, connection.RemoteEndPoint?.ToString() ?? "?", scanner.ClientId ?? "-", verdict == Verdict.TooLarge ? $"a packet of {scanner.RefusedSize} bytes (type {scanner.RefusedType}) is over Provisioning:MaxPacketBytes ({scanner.Max})" : "malformed remaining length");
        if (verdict == Verdict.TooLarge && scanner.ClientId is { Length: > 0 } clientId)
        {
            // The broker may still be validating the CONNECT that came before this packet.
            var deadline = time.GetTimestamp();
            while (time.GetElapsedTime(deadline) < ConnectWait && !connection.ConnectionClosed.IsCancellationRequested)
            {
                if (connections.Get(clientId) is { } principal)
                {
                    await connections.DisconnectAsync(principal, "CLIENT_ERROR", MqttDisconnectReasonCode.PacketTooLarge);
                    return;
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), time, connection.ConnectionClosed);
                }
                catch (OperationCanceledException)
                {
                    return; // closed meanwhile
                }
            }
        }

        connection.Abort(new ConnectionAbortedException("MQTT packet too large or malformed"));
    }

    private enum Verdict
    {
        Continue,
        TooLarge,
        Malformed,
    }

    /// <summary>Packet boundaries across reads: the rest of the current packet's body, else a fixed header to read.</summary>
    private sealed class Scanner(int max)
    {
        private long _bodyRemaining;
        private bool _connectSeen;

        public int Max => max;

        public string? ClientId { get; private set; }

        public long RefusedSize { get; private set; }

        public int RefusedType { get; private set; }

        /// <summary>How many bytes of <paramref name="buffer"/> may go to the broker, and whether to stop after them.</summary>
        public (long Accepted, Verdict Verdict) Scan(ReadOnlySequence<byte> buffer)
        {
            var reader = new SequenceReader<byte>(buffer);
            var accepted = 0L;
            while (!reader.End)
            {
                if (_bodyRemaining > 0)
                {
                    var n = Math.Min(_bodyRemaining, reader.Remaining);
                    reader.Advance(n);
                    _bodyRemaining -= n;
                    accepted = reader.Consumed;
                    continue;
                }

                var start = reader.Consumed;
                if (!reader.TryRead(out var type))
                {
                    break;
                }

                // Remaining length: 7 bits a byte, least significant first, at most 4 bytes.
                long length = 0;
                var lengthBytes = 0;
                var complete = false;
                while (lengthBytes < 4 && reader.TryRead(out var b))
                {
                    length |= (long)(b & 0x7F) << (7 * lengthBytes);
                    lengthBytes++;
                    if ((b & 0x80) == 0)
                    {
                        complete = true;
                        break;
                    }
                }

                if (!complete)
                {
                    return lengthBytes == 4 ? (start, Verdict.Malformed) : (start, Verdict.Continue);
                }

                var size = 1 + lengthBytes + length;
                if (size > max)
                {
                    (RefusedSize, RefusedType) = (size, type >> 4);
                    return (start, Verdict.TooLarge);
                }

                if (!_connectSeen)
                {
                    // The CONNECT goes to the broker whole, once its client id is read: a later refusal names the session.
                    if (reader.Remaining < length)
                    {
                        return (start, Verdict.Continue);
                    }

                    _connectSeen = true;
                    ClientId = (type >> 4) == 1 ? ReadClientId(buffer.Slice(reader.Position, length)) : null;
                    reader.Advance(length);
                    accepted = reader.Consumed;
                    continue;
                }

                _bodyRemaining = length;
                accepted = reader.Consumed;
            }

            return (accepted, Verdict.Continue);
        }

        /// <summary>
        /// CONNECT (MQTT 3.1.1 §3.1.2–3.1.3, MQTT 5 §3.1.2–3.1.3): protocol name, level, flags, keep
        /// alive, MQTT 5's properties, then the client id as a length-prefixed UTF-8 string.
        /// </summary>
        private static string? ReadClientId(ReadOnlySequence<byte> body)
        {
            var reader = new SequenceReader<byte>(body);
            if (!reader.TryReadBigEndian(out short nameLength) || nameLength < 0 || !Skip(ref reader, nameLength) || !reader.TryRead(out var level) || !Skip(ref reader, 3))
            {
                return null;
            }

            if (level == 5)
            {
                long properties = 0;
                for (var i = 0; ; i++)
                {
                    if (i == 4 || !reader.TryRead(out var b))
                    {
                        return null;
                    }

                    properties |= (long)(b & 0x7F) << (7 * i);
                    if ((b & 0x80) == 0)
                    {
                        break;
                    }
                }

                if (!Skip(ref reader, properties))
                {
                    return null;
                }
            }

            Span<byte> length = stackalloc byte[2];
            if (!reader.TryCopyTo(length))
            {
                return null;
            }

            reader.Advance(2);
            var idLength = BinaryPrimitives.ReadUInt16BigEndian(length);
            if (reader.Remaining < idLength)
            {
                return null;
            }

            return Encoding.UTF8.GetString(body.Slice(reader.Position, idLength));
        }

        private static bool Skip(ref SequenceReader<byte> reader, long count)
        {
            if (reader.Remaining < count)
            {
                return false;
            }

            reader.Advance(count);
            return true;
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 506, Level = LogLevel.Warning, Message = "MQTT connection from {Remote} (client {ClientId}) closed: {Reason}")]
        public static partial void Refused(ILogger logger, string remote, string clientId, string reason);
    }
}
