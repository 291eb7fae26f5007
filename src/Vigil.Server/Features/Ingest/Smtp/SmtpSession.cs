using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using Vigil.Server.Features.Cameras;

namespace Vigil.Server.Features.Ingest.Smtp;

/// <summary>
/// One SMTP connection (RFC 5321) from a camera: EHLO/HELO, STARTTLS (RFC 3207), AUTH PLAIN and
/// LOGIN (RFC 4954) only under TLS (or on loopback when allowed), MAIL/RCPT/DATA with SIZE
/// (RFC 1870), 8BITMIME, PIPELINING (RFC 2920) and enhanced status codes (RFC 2034/3463). A
/// message is answered 250 only after it is in the spool on disk. Every read has an idle
/// timeout and the whole session a deadline, so no client can hold a session forever.
/// </summary>
internal sealed partial class SmtpSession(Stream network, IPEndPoint remote, SmtpSessionDependencies services, ILogger logger) : IDisposable
{
    /// <summary>How long the reply to a message's data may take once the message is decided (whatever else stops).</summary>
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private const int MaxCommandLine = 1024; // RFC 5321 §4.5.3.1.4 says 512; AUTH responses need more
    private readonly IngestOptions _options = services.Options;
    private readonly List<CameraIdentity> _recipientCameras = [];
    private Stream _stream = network;
    private PipeReader _reader = PipeReader.Create(network, new StreamPipeReaderOptions(leaveOpen: true));
    private CancellationTokenSource? _idle;
    private string? _helo;
    private bool _tls;
    private CameraIdentity? _authenticated;
    private string? _mailFrom;
    private int _recipients;
    private int _authFailures;

    private bool IsLoopback => IPAddress.IsLoopback(remote.Address) || remote.Address.Equals(IPAddress.IPv6Loopback) || (remote.Address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(remote.Address.MapToIPv4()));

    private bool MayAuthenticate => _tls || (IsLoopback && _options.AllowLoopbackAuthWithoutTls);

    public async Task RunAsync(CancellationToken stopping)
    {
        using var session = new CancellationTokenSource(_options.SessionTimeout, services.Time);
        _idle = new CancellationTokenSource(_options.IdleTimeout, services.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, session.Token, _idle.Token);
        var ct = linked.Token;
        try
        {
            await ReplyAsync($"220 {services.HostName} ESMTP Vigil snapshot ingest", ct);
            while (await ReadLineAsync(MaxCommandLine, ct) is { } line)
            {
                if (line.TooLong)
                {
                    await ReplyAsync(SmtpReplies.LineTooLong, ct);
                    continue;
                }

                if (!SmtpCommandParser.TryParse(line.Bytes, out var command, out var error))
                {
                    await ReplyAsync(error, ct);
                    continue;
                }

                if (!await HandleAsync(command, ct))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            var reply = stopping.IsCancellationRequested ? SmtpReplies.ShuttingDown
                : session.IsCancellationRequested ? SmtpReplies.SessionTimeout
                : SmtpReplies.IdleTimeout;
            Log.Closed(logger, remote, reply);
            await TryReplyAsync(reply);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or ObjectDisposedException)
        {
            Log.ConnectionLost(logger, remote, e.Message);
        }
        finally
        {
            await _reader.CompleteAsync();
            await _stream.DisposeAsync();
        }
    }

    /// <summary>Handles one command; false ends the session.</summary>
    private async Task<bool> HandleAsync(SmtpCommand command, CancellationToken ct)
    {
        switch (command.Verb)
        {
            case SmtpVerb.Helo:
                ResetTransaction();
                _helo = command.Argument;
                await ReplyAsync($"250 {services.HostName}", ct);
                return true;
            case SmtpVerb.Ehlo:
                ResetTransaction();
                _helo = command.Argument;
                await ReplyAsync(EhloReply(), ct);
                return true;
            case SmtpVerb.Quit:
                await ReplyAsync(SmtpReplies.Bye, ct);
                return false;
            case SmtpVerb.Noop:
                await ReplyAsync(SmtpReplies.Ok, ct);
                return true;
            case SmtpVerb.Rset:
                ResetTransaction();
                await ReplyAsync(SmtpReplies.Ok, ct);
                return true;
            case SmtpVerb.Vrfy:
                await ReplyAsync(SmtpReplies.VrfyRefused, ct);
                return true;
            case SmtpVerb.Expn:
                await ReplyAsync(SmtpReplies.ExpnRefused, ct);
                return true;
            case SmtpVerb.Help:
                await ReplyAsync(SmtpReplies.Help, ct);
                return true;
        }

        if (_helo is null)
        {
            await ReplyAsync(SmtpReplies.HelloFirst, ct);
            return true;
        }

        return command.Verb switch
        {
            SmtpVerb.StartTls => await StartTlsAsync(ct),
            SmtpVerb.Auth => await AuthenticateAsync(command.Argument, ct),
            SmtpVerb.Mail => await MailAsync(command, ct),
            SmtpVerb.Rcpt => await RecipientAsync(command, ct),
            SmtpVerb.Data => await DataAsync(ct),
            _ => await ReplyAsync(SmtpReplies.SyntaxError, ct),
        };
    }

    private string EhloReply()
    {
        var lines = new List<string>
        {
            $"{services.HostName} greets {_helo}",
            "PIPELINING",
            $"SIZE {_options.MaxMessageBytes}",
            "8BITMIME",
            "ENHANCEDSTATUSCODES",
        };
        if (!_tls)
        {
            lines.Add("STARTTLS");
        }

        if (MayAuthenticate && _authenticated is null)
        {
            lines.Add("AUTH PLAIN LOGIN");
        }

        return string.Join("\r\n", lines.Select((l, i) => (i == lines.Count - 1 ? "250 " : "250-") + l));
    }

    // RFC 3207: after "220 Ready" the TLS handshake starts; the session starts over (EHLO again).
    private async Task<bool> StartTlsAsync(CancellationToken ct)
    {
        if (_tls)
        {
            return await ReplyAsync(SmtpReplies.AlreadyTls, ct);
        }

        var certificate = services.Certificates.Current;
        await ReplyAsync(SmtpReplies.ReadyForTls, ct);

        // Anything the client pipelined after STARTTLS arrived in clear text and must not be
        // taken as coming over TLS (the command-injection flaw of CVE-2011-0411): drop it.
        if (_reader.TryRead(out var pending))
        {
            if (!pending.Buffer.IsEmpty)
            {
                Log.PlaintextAfterStartTls(logger, remote, pending.Buffer.Length);
            }

            _reader.AdvanceTo(pending.Buffer.End);
        }

        await _reader.CompleteAsync();
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        _stream = ssl;
        await ssl.AuthenticateAsServerAsync(
            new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateRequired = false,
            },
            ct);
        _reader = PipeReader.Create(ssl, new StreamPipeReaderOptions(leaveOpen: true));
        _tls = true;
        _helo = null;
        ResetTransaction();
        return true;
    }

    // RFC 4954 with the PLAIN (RFC 4616) and LOGIN mechanisms.
    private async Task<bool> AuthenticateAsync(string argument, CancellationToken ct)
    {
        if (_authenticated is not null)
        {
            return await ReplyAsync(SmtpReplies.AlreadyAuthenticated, ct);
        }

        if (_mailFrom is not null)
        {
            return await ReplyAsync(SmtpReplies.BadSequence, ct);
        }

        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var mechanism = parts[0].ToUpperInvariant();
        var initial = parts.Length > 1 ? parts[1] : null;
        if (mechanism is not ("PLAIN" or "LOGIN"))
        {
            return await ReplyAsync(SmtpReplies.UnknownMechanism, ct);
        }

        if (!MayAuthenticate)
        {
            return await ReplyAsync(SmtpReplies.EncryptionRequired, ct);
        }

        string? username;
        string? password;
        if (mechanism == "PLAIN")
        {
            var response = initial ?? await ChallengeAsync("", ct);
            if (response is null)
            {
                return false;
            }

            if (response == "*")
            {
                return await ReplyAsync(SmtpReplies.AuthCancelled, ct);
            }

            if (Decode(response == "=" ? "" : response) is not { } plain)
            {
                return await ReplyAsync(SmtpReplies.CannotDecode, ct);
            }

            // authzid NUL authcid NUL passwd
            var fields = plain.Split('\0');
            (username, password) = fields.Length == 3 ? (fields[1], fields[2]) : (null, null);
        }
        else
        {
            var userResponse = initial ?? await ChallengeAsync("VXNlcm5hbWU6", ct); // "Username:"
            if (userResponse is null)
            {
                return false;
            }

            if (userResponse == "*")
            {
                return await ReplyAsync(SmtpReplies.AuthCancelled, ct);
            }

            username = Decode(userResponse);
            var passwordResponse = await ChallengeAsync("UGFzc3dvcmQ6", ct); // "Password:"
            if (passwordResponse is null)
            {
                return false;
            }

            if (passwordResponse == "*")
            {
                return await ReplyAsync(SmtpReplies.AuthCancelled, ct);
            }

            password = Decode(passwordResponse);
            if (username is null || password is null)
            {
                return await ReplyAsync(SmtpReplies.CannotDecode, ct);
            }
        }

        var camera = username is { Length: > 0 and <= 64 } && password is { Length: > 0 and <= 256 }
            ? await services.WithDirectoryAsync(d => d.FindBySmtpCredentialsAsync(username, password, ct))
            : null;
        if (camera is null)
        {
            _authFailures++;
            Log.AuthenticationFailed(logger, remote, _authFailures);
            if (_authFailures >= _options.MaxAuthFailures)
            {
                await ReplyAsync(SmtpReplies.TooManyAuthFailures, ct);
                return false;
            }

            return await ReplyAsync(SmtpReplies.AuthFailed, ct);
        }

        _authenticated = camera;
        Log.Authenticated(logger, remote, camera.Id);
        return await ReplyAsync(SmtpReplies.AuthOk, ct);
    }

    private async Task<string?> ChallengeAsync(string challenge, CancellationToken ct)
    {
        await ReplyAsync("334 " + challenge, ct);
        var line = await ReadLineAsync(MaxCommandLine, ct);
        return line is null ? null : line.TooLong ? "" : Encoding.ASCII.GetString(line.Bytes).Trim();
    }

    private static string? Decode(string base64)
    {
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var length))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private async Task<bool> MailAsync(SmtpCommand command, CancellationToken ct)
    {
        if (_mailFrom is not null)
        {
            return await ReplyAsync(SmtpReplies.NestedMail, ct);
        }

        // RFC 1870 §4: a declared size over the limit is refused at once, before any data.
        if (command.Parameters.TryGetValue("SIZE", out var sizeText))
        {
            if (!long.TryParse(sizeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
            {
                return await ReplyAsync("501 5.5.4 SIZE needs a number", ct);
            }

            if (size > _options.MaxMessageBytes)
            {
                services.Metrics.Refused(SnapshotSource.Smtp, "too_large");
                return await ReplyAsync(SmtpReplies.SizeExceeded(_options.MaxMessageBytes), ct);
            }
        }

        if (command.Parameters.TryGetValue("BODY", out var body) && body?.ToUpperInvariant() is not ("7BIT" or "8BITMIME"))
        {
            return await ReplyAsync("501 5.5.4 BODY must be 7BIT or 8BITMIME", ct);
        }

        if (!await services.RateLimiter.TryAcquireAddressAsync(remote.Address, ct)
            || (_authenticated is { } camera && !await services.RateLimiter.TryAcquireCameraAsync(camera.Id, ct)))
        {
            Log.RateLimited(logger, remote, _authenticated?.Id);
            services.Metrics.Refused(SnapshotSource.Smtp, "rate_limited");
            return await ReplyAsync(SmtpReplies.RateLimited, ct);
        }

        _mailFrom = command.Address ?? "";
        return await ReplyAsync(SmtpReplies.SenderOk, ct);
    }

    private async Task<bool> RecipientAsync(SmtpCommand command, CancellationToken ct)
    {
        if (_mailFrom is null)
        {
            return await ReplyAsync(SmtpReplies.NeedMail, ct);
        }

        if (_recipients >= _options.MaxRecipients)
        {
            return await ReplyAsync(SmtpReplies.TooManyRecipients, ct);
        }

        var address = command.Address!;
        if (_authenticated is null)
        {
            // Not authenticated: only a camera's private ingest address is a valid recipient.
            var (isOurs, camera) = await services.WithDirectoryAsync(async d =>
                d.IsIngestDomain(address) ? (true, await d.FindByIngestAddressAsync(address, ct)) : (false, null));
            if (!isOurs)
            {
                services.Metrics.Refused(SnapshotSource.Smtp, "relay_denied");
                return await ReplyAsync(SmtpReplies.RelayDenied, ct);
            }

            if (camera is null)
            {
                Log.UnknownIngestAddress(logger, remote);
                services.Metrics.Refused(SnapshotSource.Smtp, "unknown_recipient");
                return await ReplyAsync(SmtpReplies.UnknownRecipient, ct);
            }

            if (_recipientCameras.All(c => c.Id != camera.Id))
            {
                if (!await services.RateLimiter.TryAcquireCameraAsync(camera.Id, ct))
                {
                    Log.RateLimited(logger, remote, camera.Id);
                    services.Metrics.Refused(SnapshotSource.Smtp, "rate_limited");
                    return await ReplyAsync(SmtpReplies.RateLimited, ct);
                }

                _recipientCameras.Add(camera);
            }
        }

        _recipients++;
        return await ReplyAsync(SmtpReplies.RecipientOk, ct);
    }

    private async Task<bool> DataAsync(CancellationToken ct)
    {
        if (_mailFrom is null)
        {
            return await ReplyAsync(SmtpReplies.NeedMail, ct);
        }

        if (_recipients == 0)
        {
            return await ReplyAsync(SmtpReplies.NeedRecipient, ct);
        }

        await ReplyAsync(SmtpReplies.StartData, ct);
        var data = new SmtpDataReader(_options.MaxMessageBytes, _options.MaxLineLength, _options.MaxHeaderBytes);
        while (true)
        {
            _idle!.CancelAfter(_options.IdleTimeout);
            var result = await _reader.ReadAsync(ct);
            var buffer = result.Buffer;
            var done = data.Process(ref buffer);
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (done)
            {
                break;
            }

            if (result.IsCompleted)
            {
                Log.ConnectionLost(logger, remote, "the client closed the connection during DATA");
                return false;
            }
        }

        var cameras = _authenticated is { } camera ? [camera] : _recipientCameras.ToList();
        var sender = _mailFrom;
        ResetTransaction();
        if (data.SizeExceeded)
        {
            services.Metrics.Refused(SnapshotSource.Smtp, "too_large");
            return await ReplyAsync(SmtpReplies.SizeExceeded(_options.MaxMessageBytes), ct);
        }

        if (data.HeaderTooLarge)
        {
            services.Metrics.Refused(SnapshotSource.Smtp, "header_too_large");
            return await ReplyAsync(SmtpReplies.HeaderTooLarge, ct);
        }

        if (data.LineTooLong)
        {
            services.Metrics.Refused(SnapshotSource.Smtp, "line_too_long");
            return await ReplyAsync(SmtpReplies.LineTooLong, ct);
        }

        IngestResult outcome;
        try
        {
            outcome = await services.Ingestor.AcceptAsync(cameras, data.Content, SnapshotSource.Smtp, remote.Address.ToString(), sender, ct);
        }
        catch (IOException e)
        {
            Log.SpoolFailed(logger, e);
            services.Metrics.Refused(SnapshotSource.Smtp, "spool_error");
            return await ReplyAsync(SmtpReplies.LocalError, ct);
        }

        // Decided (in the spool, or refused): the answer must reach the camera even if the server began to stop
        // meanwhile. Written under the session's token, a stop between the spool and the reply answered "421 shutting
        // down" for a message that was kept, and the camera sent it again (seen in the restart-under-load benchmark).
        using var decided = new CancellationTokenSource(ReplyTimeout, services.Time);
        return outcome.Accepted
            ? await ReplyAsync($"250 2.0.0 OK queued as {string.Join(",", outcome.SpoolIds.Select(i => i.ToString("N")))}", decided.Token)
            : await ReplyAsync(SmtpReplies.Refused(outcome), decided.Token);
    }

    private void ResetTransaction()
    {
        _mailFrom = null;
        _recipients = 0;
        _recipientCameras.Clear();
    }

    private async Task<SmtpLine?> ReadLineAsync(int maxLength, CancellationToken ct)
    {
        var discarding = false;
        while (true)
        {
            _idle!.CancelAfter(_options.IdleTimeout);
            var result = await _reader.ReadAsync(ct);
            var buffer = result.Buffer;
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is { } position)
            {
                var line = buffer.Slice(0, position);
                var tooLong = discarding || line.Length > maxLength;
                var bytes = tooLong ? [] : line.ToArray();
                _reader.AdvanceTo(buffer.GetPosition(1, position));
                if (tooLong)
                {
                    return new SmtpLine([], TooLong: true);
                }

                var length = bytes.Length > 0 && bytes[^1] == '\r' ? bytes.Length - 1 : bytes.Length;
                return new SmtpLine(bytes[..length], TooLong: false);
            }

            if (buffer.Length > maxLength)
            {
                discarding = true;
                _reader.AdvanceTo(buffer.End);
            }
            else
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    private async Task<bool> ReplyAsync(string reply, CancellationToken ct)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), ct);
        await _stream.FlushAsync(ct);
        return true;
    }

    private async Task TryReplyAsync(string reply)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), services.Time);
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), timeout.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or NotSupportedException)
        {
            // The client is gone or not reading; the connection is closed anyway.
        }
    }

    public void Dispose() => _idle?.Dispose();

    private sealed record SmtpLine(byte[] Bytes, bool TooLong);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "SMTP {Remote}: camera {CameraId} authenticated")]
        public static partial void Authenticated(ILogger logger, IPEndPoint remote, Guid cameraId);

        [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "SMTP {Remote}: authentication failed ({Failures} so far)")]
        public static partial void AuthenticationFailed(ILogger logger, IPEndPoint remote, int failures);

        [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "SMTP {Remote}: unknown ingest address")]
        public static partial void UnknownIngestAddress(ILogger logger, IPEndPoint remote);

        [LoggerMessage(EventId = 7104, Level = LogLevel.Warning, Message = "SMTP {Remote}: rate limit reached (camera {CameraId})")]
        public static partial void RateLimited(ILogger logger, IPEndPoint remote, Guid? cameraId);

        [LoggerMessage(EventId = 7105, Level = LogLevel.Warning, Message = "SMTP {Remote}: {Bytes} byte(s) sent in clear text after STARTTLS were discarded")]
        public static partial void PlaintextAfterStartTls(ILogger logger, IPEndPoint remote, long bytes);

        [LoggerMessage(EventId = 7106, Level = LogLevel.Debug, Message = "SMTP {Remote}: connection lost: {Reason}")]
        public static partial void ConnectionLost(ILogger logger, IPEndPoint remote, string reason);

        [LoggerMessage(EventId = 7107, Level = LogLevel.Information, Message = "SMTP {Remote}: closed: {Reply}")]
        public static partial void Closed(ILogger logger, IPEndPoint remote, string reply);

        [LoggerMessage(EventId = 7108, Level = LogLevel.Error, Message = "SMTP: cannot write to the spool; the message was refused with 451")]
        public static partial void SpoolFailed(ILogger logger, Exception exception);
    }
}
