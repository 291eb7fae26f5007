using Microsoft.AspNetCore.Connections;

namespace Vigil.Server.Hosting.Tls;

/// <summary>
/// Reads the ClientHello off a new connection without consuming it (the TLS handshake that follows reads the
/// same bytes), for listeners that decide something from it before the handshake.
/// </summary>
internal static class ClientHelloSniffer
{
    /// <summary>How long a client may take to send its ClientHello: as long as Kestrel gives a whole handshake.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The connection's ClientHello (also set as a connection feature); <see cref="TlsClientHelloStatus.Invalid"/>
    /// with the reason when the first bytes are not a valid one; <see cref="TlsClientHelloStatus.NeedMoreData"/>
    /// when the client closed inside it or sent nothing for <see cref="Timeout"/> (the caller ends the connection).
    /// </summary>
    public static async Task<(TlsClientHelloStatus Status, TlsClientHello? Hello, string? Problem)> ReadAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        timeout.CancelAfter(Timeout);
        while (true)
        {
            System.IO.Pipelines.ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return (TlsClientHelloStatus.NeedMoreData, null, $"no ClientHello within {Timeout.TotalSeconds} s");
            }

            var buffer = result.Buffer;
            var status = TlsClientHello.TryRead(buffer, out var hello, out var problem);
            if (status == TlsClientHelloStatus.NeedMoreData && !result.IsCompleted)
            {
                // Examined to the end: the next read waits for more bytes.
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            // Nothing consumed or examined: the TLS handshake reads the same bytes again, at once.
            input.AdvanceTo(buffer.Start);
            if (status == TlsClientHelloStatus.Complete)
            {
                connection.Features.Set(hello);
                return (status, hello, null);
            }

            return (status, null, status == TlsClientHelloStatus.Invalid ? problem : "the connection closed inside the ClientHello");
        }
    }
}
