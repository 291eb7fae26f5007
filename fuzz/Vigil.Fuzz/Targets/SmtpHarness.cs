using System.Buffers;
using Vigil.Server.Features.Ingest.Smtp;

namespace Vigil.Fuzz.Targets;

/// <summary>
/// An SMTP client's bytes, read as the session reads them: command lines (split at LF, CR dropped,
/// over-long lines skipped like <c>SmtpSession</c> does) through <see cref="SmtpCommandParser"/>; after an
/// accepted DATA the rest goes to <see cref="SmtpDataReader"/> in small chunks over segment boundaries (as a
/// pipe delivers it) up to the "." line, then commands again. Documented refusals: <c>false</c> with a reply
/// from the command parser, the data reader's failure flags; never an exception.
/// </summary>
internal static class SmtpHarness
{
    private const int MaxLineLength = 1000;
    private const int ChunkLength = 61;

    public static void Run(ReadOnlySpan<byte> data)
    {
        var input = data.ToArray();
        var offset = 0;
        while (offset < input.Length)
        {
            var newline = Array.IndexOf(input, (byte)'\n', offset);
            var end = newline < 0 ? input.Length : newline;
            var line = input.AsSpan(offset, end - offset);
            offset = newline < 0 ? input.Length : newline + 1;
            if (line.Length > MaxLineLength)
            {
                continue;
            }

            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (!SmtpCommandParser.TryParse(line, out var command, out var error))
            {
                if (string.IsNullOrEmpty(error) || !error.StartsWith('5'))
                {
                    throw new InvalidOperationException($"SmtpCommandParser refused a line without a 5xx reply: '{error}'.");
                }

                continue;
            }

            if (command.Verb == SmtpVerb.Data)
            {
                offset = ReadData(input, offset);
            }
        }
    }

    /// <summary>Feeds the data reader as the pipe would; returns the offset after the "." line (or the end).</summary>
    private static int ReadData(byte[] input, int offset)
    {
        var reader = new SmtpDataReader(maxBytes: 4096, maxLineLength: MaxLineLength, maxHeaderBytes: 1024);
        var pending = Array.Empty<byte>();
        while (offset < input.Length)
        {
            var chunk = input.AsMemory(offset, Math.Min(ChunkLength, input.Length - offset));
            offset += chunk.Length;
            var buffer = Segments.Join(pending, chunk);
            var done = reader.Process(ref buffer);
            pending = buffer.ToArray();
            if (done)
            {
                _ = reader.Failed ? 0 : reader.Content.Length;
                return offset - pending.Length;
            }
        }

        return input.Length;
    }

    /// <summary>Two memories as one sequence of two segments (when both are non-empty).</summary>
    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Join(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
        {
            if (first.IsEmpty)
            {
                return new ReadOnlySequence<byte>(second);
            }

            var head = new Segments(first, 0);
            var tail = new Segments(second, first.Length);
            head.Next = tail;
            return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
        }
    }
}
