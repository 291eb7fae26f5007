using System.IO.Pipelines;
using Vigil.Server.Hosting.ProxyProtocol;

namespace Vigil.Fuzz.Targets;

/// <summary>
/// The PROXY protocol header a trusted load balancer writes in front of a connection (v1 text, v2 binary): the parser on
/// the whole input, then both readers (a Kestrel pipe and the SMTP listener's stream) as the listeners use them. Documented
/// refusal: <see cref="ProxyHeaderStatus.Invalid"/> or a header with an error; a parsed header never claims more bytes
/// than it was given, and the readers never consume past it.
/// </summary>
internal static class ProxyProtocolHarness
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        var status = ProxyHeader.TryParse(data, out var header);
        if (status == ProxyHeaderStatus.Parsed && (header.Length > data.Length || header.Length < ProxyHeader.MinLength))
        {
            throw new InvalidOperationException($"a parsed header of {header.Length} bytes from {data.Length}");
        }

        if (status == ProxyHeaderStatus.Incomplete && header.Length <= data.Length)
        {
            throw new InvalidOperationException($"incomplete, yet asks for {header.Length} bytes of {data.Length}");
        }

        var bytes = data.ToArray();
        using var stream = new MemoryStream(bytes);
        var fromStream = ProxyProtocolReader.ReadAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
        if (fromStream.Error is null && stream.Position != fromStream.Length)
        {
            throw new InvalidOperationException($"the stream reader consumed {stream.Position} bytes for a header of {fromStream.Length}");
        }

        // No back-pressure: the whole input is written before the reader starts (a large input would wait forever).
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        pipe.Writer.WriteAsync(bytes).AsTask().GetAwaiter().GetResult();
        pipe.Writer.Complete();
        var fromPipe = ProxyProtocolReader.ReadAsync(pipe.Reader, CancellationToken.None).GetAwaiter().GetResult();
        if ((fromPipe.Error is null) != (fromStream.Error is null) || fromPipe.Source?.ToString() != fromStream.Source?.ToString())
        {
            throw new InvalidOperationException($"the pipe and stream readers disagree: {fromPipe} / {fromStream}");
        }
    }
}
