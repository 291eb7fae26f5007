using System.Text;

namespace Vigil.Server.Features.Ingest.Smtp;

/// <summary>
/// Parses one SMTP command line (without its CRLF) per RFC 5321 §4.1. Untrusted input gives
/// false and the reply to send (500 or 501), never an exception.
/// </summary>
internal static class SmtpCommandParser
{
    public const int MaxAddressLength = 256; // RFC 5321 §4.5.3.1.3: a path is at most 256 octets
    private const int MaxParameters = 16;

    public static bool TryParse(ReadOnlySpan<byte> line, out SmtpCommand command, out string error)
    {
        command = SmtpCommand.Simple(SmtpVerb.Noop, "");
        foreach (var b in line)
        {
            // RFC 5321 §2.4: commands are US-ASCII; no control characters besides HT.
            if (b > 126 || (b < 32 && b != '\t'))
            {
                error = SmtpReplies.SyntaxError;
                return false;
            }
        }

        var text = Encoding.ASCII.GetString(line).Trim();
        var space = text.IndexOf(' ');
        var verbText = space < 0 ? text : text[..space];
        var argument = space < 0 ? "" : text[(space + 1)..].Trim();
        SmtpVerb? verb = verbText.ToUpperInvariant() switch
        {
            "HELO" => SmtpVerb.Helo,
            "EHLO" => SmtpVerb.Ehlo,
            "MAIL" => SmtpVerb.Mail,
            "RCPT" => SmtpVerb.Rcpt,
            "DATA" => SmtpVerb.Data,
            "RSET" => SmtpVerb.Rset,
            "NOOP" => SmtpVerb.Noop,
            "QUIT" => SmtpVerb.Quit,
            "VRFY" => SmtpVerb.Vrfy,
            "EXPN" => SmtpVerb.Expn,
            "HELP" => SmtpVerb.Help,
            "STARTTLS" => SmtpVerb.StartTls,
            "AUTH" => SmtpVerb.Auth,
            _ => null,
        };
        if (verb is not { } known)
        {
            error = SmtpReplies.SyntaxError;
            return false;
        }

        switch (known)
        {
            case SmtpVerb.Helo or SmtpVerb.Ehlo:
                if (argument.Length == 0 || argument.Contains(' '))
                {
                    error = "501 5.5.4 Syntax: " + verbText.ToUpperInvariant() + " hostname";
                    return false;
                }

                break;
            case SmtpVerb.Mail:
                return TryParsePath(known, argument, "FROM:", allowEmpty: true, out command, out error);
            case SmtpVerb.Rcpt:
                return TryParsePath(known, argument, "TO:", allowEmpty: false, out command, out error);
            case SmtpVerb.Data or SmtpVerb.Rset or SmtpVerb.Quit or SmtpVerb.StartTls:
                if (argument.Length > 0)
                {
                    error = "501 5.5.4 Syntax: " + verbText.ToUpperInvariant() + " takes no arguments";
                    return false;
                }

                break;
            case SmtpVerb.Auth:
                if (argument.Length == 0)
                {
                    error = "501 5.5.4 Syntax: AUTH mechanism [initial-response]";
                    return false;
                }

                break;
        }

        command = SmtpCommand.Simple(known, argument);
        error = "";
        return true;
    }

    // RFC 5321 §4.1.1.2-3: "MAIL FROM:" Reverse-path [SP Mail-parameters], "RCPT TO:" Forward-path [SP Rcpt-parameters].
    private static bool TryParsePath(SmtpVerb verb, string argument, string prefix, bool allowEmpty, out SmtpCommand command, out string error)
    {
        command = SmtpCommand.Simple(verb, argument);
        var syntax = verb == SmtpVerb.Mail ? "501 5.5.4 Syntax: MAIL FROM:<address>" : "501 5.5.4 Syntax: RCPT TO:<address>";
        if (!argument.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            error = syntax;
            return false;
        }

        var rest = argument[prefix.Length..].TrimStart();
        string address;
        string parameters;
        if (rest.StartsWith('<'))
        {
            var close = rest.IndexOf('>');
            if (close < 0)
            {
                error = syntax;
                return false;
            }

            address = rest[1..close];
            parameters = rest[(close + 1)..].Trim();
        }
        else
        {
            // Lenient: some cameras omit the angle brackets.
            var end = rest.IndexOf(' ');
            address = end < 0 ? rest : rest[..end];
            parameters = end < 0 ? "" : rest[(end + 1)..].Trim();
        }

        // RFC 5321 §4.1.2 / Appendix C: a source route "@a,@b:user@host" is accepted and ignored.
        if (address.StartsWith('@') && address.IndexOf(':') is var colon and > 0)
        {
            address = address[(colon + 1)..];
        }

        if (address.Length > MaxAddressLength || address.Contains(' ') || address.Contains('<'))
        {
            error = "501 5.1.3 Bad address syntax";
            return false;
        }

        if (address.Length == 0 ? !allowEmpty : address.IndexOf('@') is <= 0 && !address.Equals("postmaster", StringComparison.OrdinalIgnoreCase))
        {
            error = "501 5.1.3 Bad address syntax";
            return false;
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = parameter.IndexOf('=');
            var key = (equals < 0 ? parameter : parameter[..equals]).ToUpperInvariant();
            if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || values.Count >= MaxParameters)
            {
                error = "501 5.5.4 Bad parameter syntax";
                return false;
            }

            values[key] = equals < 0 ? null : parameter[(equals + 1)..];
        }

        command = new SmtpCommand(verb, argument, address, values);
        error = "";
        return true;
    }
}
