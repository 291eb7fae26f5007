using System.Buffers;

namespace Vigil.Server.Features.Ingest.Smtp;

/// <summary>
/// Reads the DATA section incrementally (RFC 5321 §4.1.1.4, §4.5.2): lines up to the line
/// containing only ".", dot-unstuffed, normalised to CRLF. Memory stays bounded whatever the
/// client sends: past the size limit, an over-long line or an over-large header section, the
/// rest is read and discarded, and the outcome says why (the reply is sent after the final ".").
/// </summary>
internal sealed class SmtpDataReader(long maxBytes, int maxLineLength, int maxHeaderBytes)
{
    private readonly ArrayBufferWriter<byte> _content = new(64 * 1024);
    private bool _discardingLine;
    private bool _inHeaders = true;
    private long _headerBytes;

    public bool SizeExceeded { get; private set; }

    public bool LineTooLong { get; private set; }

    public bool HeaderTooLarge { get; private set; }

    public bool Failed => SizeExceeded || LineTooLong || HeaderTooLarge;

    /// <summary>The message as received (valid only when <see cref="Failed"/> is false).</summary>
    public ReadOnlyMemory<byte> Content => _content.WrittenMemory;

    /// <summary>
    /// Consumes complete lines from <paramref name="buffer"/> (advancing it past them); true when
    /// the terminating "." line was read. Call again with more data when it returns false.
    /// </summary>
    public bool Process(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            var reader = new SequenceReader<byte>(buffer);
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n', advancePastDelimiter: true))
            {
                if (buffer.Length > maxLineLength)
                {
                    // An over-long line: drop what we have and skip to its end.
                    LineTooLong = true;
                    _discardingLine = true;
                    buffer = buffer.Slice(buffer.End);
                }

                return false;
            }

            buffer = buffer.Slice(reader.Position);
            if (_discardingLine)
            {
                _discardingLine = false;
                continue;
            }

            if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == '\r')
            {
                line = line.Slice(0, line.Length - 1);
            }

            if (line.Length + 2 > maxLineLength)
            {
                LineTooLong = true;
                continue;
            }

            if (line.Length == 1 && line.FirstSpan[0] == '.')
            {
                return true;
            }

            if (line.Length > 0 && line.FirstSpan[0] == '.')
            {
                line = line.Slice(1); // §4.5.2 transparency: remove the first of a leading dot pair
            }

            if (_inHeaders)
            {
                if (line.Length == 0)
                {
                    _inHeaders = false;
                }
                else
                {
                    _headerBytes += line.Length + 2;
                    if (_headerBytes > maxHeaderBytes)
                    {
                        HeaderTooLarge = true;
                    }
                }
            }

            if (Failed)
            {
                continue;
            }

            if (_content.WrittenCount + line.Length + 2 > maxBytes)
            {
                SizeExceeded = true;
                continue;
            }

            var span = _content.GetSpan((int)line.Length + 2);
            line.CopyTo(span);
            span[(int)line.Length] = (byte)'\r';
            span[(int)line.Length + 1] = (byte)'\n';
            _content.Advance((int)line.Length + 2);
        }
    }
}
