using System.Buffers.Binary;
using System.Text;

namespace Vigil.Fuzz.Tests.Support;

/// <summary>
/// Makes new inputs from a corpus without coverage feedback (what pion's and libFuzzer's default mutators
/// do, minus the feedback): bit flips, random bytes, byte insertion and deletion, truncation, splicing two
/// inputs, interesting integers (both byte orders), tokens that matter to text parsers, and repeated chunks
/// up to oversized input. One to four mutations are stacked; a tenth of the time a recent mutant is
/// mutated again, so changes accumulate.
/// </summary>
internal sealed class Mutator(IReadOnlyList<byte[]> corpus, Random random, int maxLength)
{
    private static readonly long[] InterestingIntegers =
        [0, 1, 2, 3, 4, 7, 8, 16, 20, 32, 64, 100, 127, 128, 255, 256, 512, 1000, 1024, 4096, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
         0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, -1, -128, -32768, long.MaxValue];

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "\r\n", "\n", "\r\n\r\n", "\0", " ", "\t", ",", ";", ":", "=", "\"", "'", "\\", "/", "?", "&", "%", "%00", "%zz", "+", "-", ".",
            "{", "}", "[", "]", "<", ">", "@", "*", "$", "${", "#", "..", "../", "-1", "0", "00000000000000000000", "99999999999999999999",
            "1e309", "NaN", "null", "true", "false", "\"\"", "{}", "[]", "\\u0000", "\\ud800", "\\", "\u00e9", "\ufffd", "=?utf-8?B?",
            "boundary=", "--", "Content-Type: ", "base64", "a=", "m=", "c=", "o=", "v=0\r\n", "AWS4-HMAC-SHA256", "X-Amz-", "aws4_request",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0xFE, 0xFF], [0xEF, 0xBB, 0xBF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
    ];

    private readonly byte[]?[] _recent = new byte[]?[64];
    private int _next;

    public byte[] Next()
    {
        var source = random.Next(10) == 0 && _recent[random.Next(_recent.Length)] is { } mutant
            ? mutant
            : corpus[random.Next(corpus.Count)];
        var data = new List<byte>(source);
        var count = 1 + random.Next(4);
        for (var i = 0; i < count; i++)
        {
            Mutate(data);
        }

        if (data.Count > maxLength)
        {
            data.RemoveRange(maxLength, data.Count - maxLength);
        }

        var result = data.ToArray();
        _recent[_next++ % _recent.Length] = result;
        return result;
    }

    private void Mutate(List<byte> data)
    {
        switch (random.Next(data.Count == 0 ? 3 : 11))
        {
            case 0: // insert random bytes
                data.InsertRange(Position(data, inclusiveEnd: true), Bytes(1 + random.Next(16)));
                break;
            case 1: // insert a token
                data.InsertRange(Position(data, inclusiveEnd: true), Tokens[random.Next(Tokens.Length)]);
                break;
            case 2: // splice: this input's head with another's tail
                var other = corpus[random.Next(corpus.Count)];
                var cut = Position(data, inclusiveEnd: true);
                data.RemoveRange(cut, data.Count - cut);
                data.AddRange(other.Skip(other.Length == 0 ? 0 : random.Next(other.Length)));
                break;
            case 3: // flip bits
                for (var i = 1 + random.Next(8); i > 0; i--)
                {
                    var at = Position(data);
                    data[at] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 4: // random byte
                data[Position(data)] = (byte)random.Next(256);
                break;
            case 5: // delete a range
                var start = Position(data);
                data.RemoveRange(start, 1 + random.Next(Math.Min(64, data.Count - start)));
                break;
            case 6: // truncate
                var keep = Position(data);
                data.RemoveRange(keep, data.Count - keep);
                break;
            case 7: // interesting integer, 1/2/4/8 bytes, big or little endian
                WriteInteger(data);
                break;
            case 8: // repeat a chunk, sometimes many times (oversized fields, many attributes, deep nesting)
                var from = Position(data);
                var chunk = data.GetRange(from, 1 + random.Next(Math.Min(256, data.Count - from)));
                var times = random.Next(4) == 0 ? 1 + random.Next(4096) : 1 + random.Next(8);
                var at2 = Position(data, inclusiveEnd: true);
                for (var i = 0; i < times && data.Count + chunk.Count <= maxLength; i++)
                {
                    data.InsertRange(at2, chunk);
                }

                break;
            case 9: // overwrite with a token
                var token = Tokens[random.Next(Tokens.Length)];
                var p = Position(data);
                for (var i = 0; i < token.Length && p + i < data.Count; i++)
                {
                    data[p + i] = token[i];
                }

                break;
            default: // replace a digit run (or any byte) with an interesting number as text
                var q = Position(data);
                var end = q;
                while (end < data.Count && data[end] is >= (byte)'0' and <= (byte)'9')
                {
                    end++;
                }

                data.RemoveRange(q, Math.Max(1, end - q));
                data.InsertRange(q, Encoding.ASCII.GetBytes(InterestingIntegers[random.Next(InterestingIntegers.Length)].ToString(System.Globalization.CultureInfo.InvariantCulture)));
                break;
        }
    }

    private void WriteInteger(List<byte> data)
    {
        var value = InterestingIntegers[random.Next(InterestingIntegers.Length)];
        Span<byte> bytes = stackalloc byte[8];
        var width = 1 << random.Next(4);
        if (random.Next(2) == 0)
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            bytes = bytes[(8 - width)..];
        }
        else
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            bytes = bytes[..width];
        }

        var at = Position(data);
        for (var i = 0; i < bytes.Length && at + i < data.Count; i++)
        {
            data[at + i] = bytes[i];
        }
    }

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private int Position(List<byte> data, bool inclusiveEnd = false) =>
        data.Count == 0 ? 0 : random.Next(data.Count + (inclusiveEnd ? 1 : 0));
}
