using System.Buffers;
using System.IO.Pipelines;

namespace Vigil.Server.Hosting.ProxyProtocol;

/// <summary>
/// Reads a <see cref="ProxyHeader"/> from the start of a connection, consuming exactly its bytes: the client's
/// own bytes that follow (a TLS ClientHello, say) stay unread for whoever reads the connection next.
/// </summary>
internal static class ProxyProtocolReader
{
    /// <summary>From a Kestrel connection's input. A header with <see cref="ProxyHeader.Error"/> set is a refusal.</summary>
    public static async Task<ProxyHeader> ReadAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var head = buffer.Slice(0, Math.Min(buffer.Length, ProxyHeader.MaxV2Length)).ToArray();
            var status = ProxyHeader.TryParse(head, out var header);
            switch (status)
            {
                case ProxyHeaderStatus.Parsed:
                    input.AdvanceTo(buffer.GetPosition(header.Length));
                    return header;
                case ProxyHeaderStatus.Invalid:
                    input.AdvanceTo(buffer.Start);
                    return header;
                default:
                    input.AdvanceTo(buffer.Start, buffer.End);
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        return Ended(head.Length);
                    }

                    break;
            }
        }
    }

    /// <summary>From a stream (the SMTP listener's sockets), reading no byte past the header.</summary>
    public static async Task<ProxyHeader> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[ProxyHeader.MaxV2Length];
        var filled = 0;
        var needed = ProxyHeader.MinLength;
        while (true)
        {
            while (filled < needed)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled, needed - filled), cancellationToken);
                if (read == 0)
                {
                    return Ended(filled);
                }

                filled += read;
            }

            if (ProxyHeader.TryParse(buffer.AsSpan(0, filled), out var header) != ProxyHeaderStatus.Incomplete)
            {
                return header;
            }

            needed = header.Length;
        }
    }

    private static ProxyHeader Ended(int received) =>
        new(null, null, 0, $"the connection ended after {received} bytes, inside the PROXY protocol header");
}
