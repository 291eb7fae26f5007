namespace Vigil.Server.Features.Ingest.Smtp;

/// <summary>
/// A parsed SMTP command line. <see cref="Address"/> is the path of MAIL FROM / RCPT TO (empty
/// for the null reverse-path <c>&lt;&gt;</c>); <see cref="Parameters"/> are the ESMTP keywords
/// (upper case) with their values; <see cref="Argument"/> is the rest of the line for the others.
/// </summary>
internal sealed record SmtpCommand(SmtpVerb Verb, string Argument, string? Address, IReadOnlyDictionary<string, string?> Parameters)
{
    public static SmtpCommand Simple(SmtpVerb verb, string argument) => new(verb, argument, null, Empty);

    private static readonly IReadOnlyDictionary<string, string?> Empty = new Dictionary<string, string?>();
}
