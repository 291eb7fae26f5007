namespace Vigil.Server.Features.Ingest.Smtp;

/// <summary>Reply lines (RFC 5321 §4.2 codes with RFC 3463 enhanced status codes).</summary>
internal static class SmtpReplies
{
    public const string Ok = "250 2.0.0 OK";
    public const string SenderOk = "250 2.1.0 Sender OK";
    public const string RecipientOk = "250 2.1.5 Recipient OK";
    public const string StartData = "354 Start mail input; end with <CRLF>.<CRLF>";
    public const string Bye = "221 2.0.0 Bye";
    public const string Help = "214 2.0.0 Vigil accepts camera snapshots; see RFC 5321";
    public const string ReadyForTls = "220 2.0.0 Ready to start TLS";
    public const string AuthOk = "235 2.7.0 Authentication successful";
    public const string SyntaxError = "500 5.5.2 Syntax error, command unrecognized";
    public const string LineTooLong = "500 5.5.0 Line too long";
    public const string NotImplemented = "502 5.5.1 Command not implemented";
    public const string BadSequence = "503 5.5.1 Bad sequence of commands";
    public const string HelloFirst = "503 5.5.1 Send HELO or EHLO first";
    public const string NeedMail = "503 5.5.1 Send MAIL first";
    public const string NeedRecipient = "503 5.5.1 No valid recipients";
    public const string NestedMail = "503 5.5.1 Sender already given";
    public const string AlreadyAuthenticated = "503 5.5.1 Already authenticated";
    public const string AlreadyTls = "503 5.5.1 TLS already active";
    public const string UnknownMechanism = "504 5.5.4 Unrecognized authentication type (use PLAIN or LOGIN)";
    public const string AuthCancelled = "501 5.0.0 Authentication cancelled";
    public const string CannotDecode = "501 5.5.2 Cannot decode the response";
    public const string AuthFailed = "535 5.7.8 Authentication credentials invalid";
    public const string EncryptionRequired = "538 5.7.11 Encryption required for requested authentication mechanism (send STARTTLS first)";
    public const string TooManyRecipients = "452 4.5.3 Too many recipients";
    public const string RelayDenied = "550 5.7.1 Relaying denied: send to a camera's private ingest address, or authenticate";
    public const string UnknownRecipient = "550 5.1.1 No such ingest address";
    public const string RateLimited = "450 4.7.1 Too many messages; try again later";
    public const string LocalError = "451 4.3.0 Local error in processing; try again later";
    public const string TooManyConnections = "421 4.7.0 Too many connections from your address";
    public const string IdleTimeout = "421 4.4.2 Idle timeout, closing connection";
    public const string SessionTimeout = "421 4.4.2 Session too long, closing connection";
    public const string ShuttingDown = "421 4.3.2 Service shutting down";
    public const string TooManyAuthFailures = "421 4.7.0 Too many failed authentications, closing connection";
    public const string TlsUnavailable = "454 4.7.0 TLS not available";
    public const string VrfyRefused = "502 5.5.1 VRFY is not supported";
    public const string ExpnRefused = "502 5.5.1 EXPN is not supported";

    public static string SizeExceeded(long max) => $"552 5.3.4 Message size exceeds the maximum of {max} bytes";

    public const string HeaderTooLarge = "552 5.3.4 Message header section too large";

    /// <summary>A one-line, ASCII-only reply; the text is cut to a sensible length. Over quota is temporary (452 4.2.2: the sender retries later).</summary>
    public static string Refused(IngestResult result)
    {
        var problem = result.Problem ?? "refused";
        var clean = new string(problem.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
        return (result.OverQuota ? "452 4.2.2 " : "554 5.6.0 ") + (clean.Length > 400 ? clean[..400] + "..." : clean);
    }
}
