using System.Buffers;
using System.Text;
using Vigil.Server.Features.Ingest.Smtp;

namespace Vigil.Server.Tests.Features.Ingest;

public sealed class SmtpDataReaderTests
{
    [Fact]
    public void Dot_stuffed_lines_are_unstuffed_and_the_lone_dot_ends_the_message()
    {
        var (done, reader) = Feed("Subject: x\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n", 1);

        Assert.True(done);
        Assert.Equal("Subject: x\r\n\r\n.leading dot\r\n", Encoding.ASCII.GetString(reader.Content.Span));
    }

    [Fact]
    public void Bare_line_feeds_are_normalised_to_crlf()
    {
        var (done, reader) = Feed("A: b\n\nbody\n.\n", 3);

        Assert.True(done);
        Assert.Equal("A: b\r\n\r\nbody\r\n", Encoding.ASCII.GetString(reader.Content.Span));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1000)]
    public void The_result_is_the_same_however_the_bytes_arrive(int chunk)
    {
        var message = "H: v\r\n\r\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"line {i} .\r\n..{i}\r\n")) + ".\r\n";
        var (done, reader) = Feed(message, chunk);

        Assert.True(done);
        Assert.Equal(Feed(message, message.Length).Reader.Content.ToArray(), reader.Content.ToArray());
    }

    [Fact]
    public void A_message_over_the_size_limit_is_read_to_its_end_and_reported()
    {
        var message = "H: v\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 70) + "\r\n", 100)) + ".\r\n";
        var (done, reader) = Feed(message, 100, maxBytes: 1000);

        Assert.True(done);
        Assert.True(reader.SizeExceeded);
        Assert.True(reader.Content.Length <= 1000);
    }

    [Fact]
    public void An_endless_line_is_discarded_with_bounded_memory()
    {
        var message = "H: v\r\n\r\n" + new string('y', 100_000) + "\r\nok\r\n.\r\n";
        var (done, reader) = Feed(message, 4096);

        Assert.True(done);
        Assert.True(reader.LineTooLong);
    }

    [Fact]
    public void A_header_bomb_is_reported()
    {
        var message = string.Concat(Enumerable.Range(0, 5000).Select(i => $"X-Bomb-{i}: {new string('b', 40)}\r\n")) + "\r\nbody\r\n.\r\n";
        var (done, reader) = Feed(message, 8192);

        Assert.True(done);
        Assert.True(reader.HeaderTooLarge);
    }

    [Fact]
    public void Random_input_never_throws()
    {
        var random = new Random(1870);
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(0, 5000)];
            random.NextBytes(bytes);
            var reader = new SmtpDataReader(2000, 200, 500);
            var buffer = new ReadOnlySequence<byte>(bytes);
            _ = reader.Process(ref buffer);
        }
    }

    private static (bool Done, SmtpDataReader Reader) Feed(string text, int chunk, long maxBytes = 1_000_000)
    {
        var reader = new SmtpDataReader(maxBytes, 1000, 64 * 1024);
        var bytes = Encoding.ASCII.GetBytes(text);
        var pending = new List<byte>();
        for (var offset = 0; offset < bytes.Length; offset += chunk)
        {
            pending.AddRange(bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset)).ToArray());
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            var done = reader.Process(ref buffer);
            pending = buffer.ToArray().ToList();
            if (done)
            {
                return (true, reader);
            }
        }

        return (false, reader);
    }
}
