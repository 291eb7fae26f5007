using System.Text;
using Vigil.Server.Features.Ingest.Smtp;

namespace Vigil.Server.Tests.Features.Ingest;

public sealed class SmtpCommandParserTests
{
    [Theory]
    [InlineData("EHLO camera.lan", "Ehlo", "camera.lan")]
    [InlineData("helo cam", "Helo", "cam")]
    [InlineData("DATA", "Data", "")]
    [InlineData("QUIT", "Quit", "")]
    [InlineData("NOOP anything", "Noop", "anything")]
    [InlineData("AUTH PLAIN AGNhbQBzZWNyZXQ=", "Auth", "PLAIN AGNhbQBzZWNyZXQ=")]
    [InlineData("STARTTLS", "StartTls", "")]
    [InlineData("VRFY root", "Vrfy", "root")]
    public void Commands_parse_case_insensitively(string line, string verb, string argument)
    {
        Assert.True(SmtpCommandParser.TryParse(Encoding.ASCII.GetBytes(line), out var command, out _));
        Assert.Equal(Enum.Parse<SmtpVerb>(verb), command.Verb);
        Assert.Equal(argument, command.Argument);
    }

    [Theory]
    [InlineData("MAIL FROM:<cam@example.com> SIZE=1000 BODY=8BITMIME", "cam@example.com")]
    [InlineData("MAIL FROM:<>", "")]
    [InlineData("mail from: <cam@example.com>", "cam@example.com")]
    [InlineData("MAIL FROM:cam@example.com", "cam@example.com")]
    [InlineData("MAIL FROM:<@relay.example,@b.example:cam@example.com>", "cam@example.com")]
    public void Mail_from_gives_the_reverse_path_and_parameters(string line, string address)
    {
        Assert.True(SmtpCommandParser.TryParse(Encoding.ASCII.GetBytes(line), out var command, out var error), error);
        Assert.Equal(SmtpVerb.Mail, command.Verb);
        Assert.Equal(address, command.Address);
        if (line.Contains("SIZE", StringComparison.Ordinal))
        {
            Assert.Equal("1000", command.Parameters["SIZE"]);
            Assert.Equal("8BITMIME", command.Parameters["BODY"]);
        }
    }

    [Theory]
    [InlineData("RCPT TO:<>", "501")]
    [InlineData("RCPT TO:<nobody>", "501")]
    [InlineData("RCPT <a@b>", "501")]
    [InlineData("MAIL FROM:<a@b", "501")]
    [InlineData("EHLO", "501")]
    [InlineData("DATA now", "501")]
    [InlineData("AUTH", "501")]
    [InlineData("FROB x", "500")]
    [InlineData("", "500")]
    [InlineData("MAIL FROM:<a@b> SIZE=1 =x", "501")]
    public void Bad_commands_give_the_reply_to_send(string line, string code)
    {
        Assert.False(SmtpCommandParser.TryParse(Encoding.ASCII.GetBytes(line), out _, out var error));
        Assert.StartsWith(code, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_ascii_and_control_characters_are_a_syntax_error()
    {
        Assert.False(SmtpCommandParser.TryParse([(byte)'N', (byte)'O', (byte)'O', (byte)'P', 0, 0xC3, 0xA9], out _, out var error));
        Assert.StartsWith("500", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_address_longer_than_rfc_5321_allows_is_refused()
    {
        var line = "RCPT TO:<" + new string('a', 300) + "@example.com>";
        Assert.False(SmtpCommandParser.TryParse(Encoding.ASCII.GetBytes(line), out _, out var error));
        Assert.StartsWith("501", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_and_truncated_lines_only_give_true_or_false()
    {
        var random = new Random(5321);
        string[] seeds = ["MAIL FROM:<cam@example.com> SIZE=100", "RCPT TO:<x@y.z>", "AUTH LOGIN dXNlcg==", "EHLO a.b"];
        for (var i = 0; i < 5000; i++)
        {
            byte[] line;
            if (i % 2 == 0)
            {
                var seed = Encoding.ASCII.GetBytes(seeds[i % seeds.Length]);
                line = seed[..random.Next(seed.Length + 1)];
                if (line.Length > 0 && i % 4 == 0)
                {
                    line[random.Next(line.Length)] = (byte)random.Next(256);
                }
            }
            else
            {
                line = new byte[random.Next(0, 600)];
                random.NextBytes(line);
            }

            _ = SmtpCommandParser.TryParse(line, out _, out _);
        }
    }
}
