using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigil.Server.Features.Events;
using Vigil.Server.Features.Identity;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// E-mail through the configured relay (MailKit): the subject names the labels and the camera,
/// the annotated picture is attached (made now, if nobody asked for it before, by
/// <see cref="AnnotatedPictureCache"/>). A delivery addressed to <see cref="OwnerTarget"/> goes to
/// the owner's e-mail address as their account has it when the mail is sent (it may have changed
/// since the event); an owner whose account is disabled or gone gets nothing.
/// </summary>
internal sealed class EmailNotificationAction(
    IOptions<NotificationsOptions> options,
    IOptions<ServerOptions> server,
    IServiceScopeFactory scopes,
    AnnotatedPictureCache annotatedPictures) : INotificationAction
{
    public const string Kind = "Email";

    /// <summary>The target of a delivery to the rule's owner (not an address: it has no <c>@</c>).</summary>
    public const string OwnerTarget = "owner";

    public string Name => Kind;

    public async Task SendAsync(NotificationDelivery delivery, NotificationPayload payload, NotificationRule rule, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.SmtpHost))
        {
            throw new NotificationDeliveryException("no mail relay is configured (Notifications:SmtpHost)");
        }

        var recipient = delivery.Target == OwnerTarget ? await OwnerAddressAsync(delivery.OwnerId, cancellationToken) : delivery.Target;
        var picture = await annotatedPictures.ForNotificationAsync(payload.EventKey, cancellationToken)
            ?? (payload.PicturePath is { } path && File.Exists(path) ? new PictureFile(path, "image/jpeg") : null);
        var message = Compose(recipient, delivery, payload, picture, settings.From ?? $"vigil@{server.Value.EffectivePublicHost}");
        using var client = new SmtpClient { Timeout = (int)settings.DeliveryTimeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(settings.SmtpHost, settings.SmtpPort, Enum.Parse<SecureSocketOptions>(settings.SmtpSecurity), cancellationToken);
            if (!string.IsNullOrEmpty(settings.SmtpUsername))
            {
                await client.AuthenticateAsync(settings.SmtpUsername, settings.SmtpPassword ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception e) when (e is MailKit.ProtocolException or MailKit.CommandException or IOException or System.Net.Sockets.SocketException or AuthenticationException or TimeoutException or SslHandshakeException)
        {
            throw new NotificationDeliveryException($"the relay {settings.SmtpHost}:{settings.SmtpPort} failed: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    private async Task<string> OwnerAddressAsync(Guid ownerId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var owner = await scope.ServiceProvider.GetRequiredService<IUserDirectory>().FindByIdAsync(ownerId, cancellationToken);
        return owner switch
        {
            null => throw new NotificationDeliveryException($"the owner's account {ownerId} no longer exists"),
            { IsDisabled: true } => throw new NotificationDeliveryException($"the owner's account {ownerId} is disabled"),
            _ => owner.Email,
        };
    }

    internal static MimeMessage Compose(string to, NotificationDelivery delivery, NotificationPayload payload, PictureFile? picture, string from)
    {
        var labels = payload.Labels.Count == 0 ? "Motion" : string.Join(", ", payload.Labels.Select(l => l.Label));
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"{labels} at {payload.CameraName}";
        message.Headers.Add("X-Vigil-Event", payload.EventKey.ToString("N"));
        var text = new System.Text.StringBuilder();
        text.AppendLine($"{payload.CameraName} saw: {labels}");
        text.AppendLine($"Time: {payload.OccurredAt:yyyy-MM-dd HH:mm:ss} UTC (via {payload.Source})");
        foreach (var label in payload.Labels)
        {
            text.AppendLine($"  {label.Label}: {label.Confidence:P0}");
        }

        text.AppendLine();
        text.AppendLine($"Rule: {payload.RuleName}");
        var body = new BodyBuilder { TextBody = text.ToString() };
        if (picture is not null && File.Exists(picture.Path))
        {
            body.Attachments.Add(Path.GetFileName(picture.Path), File.ReadAllBytes(picture.Path), ContentType.Parse(picture.ContentType));
        }

        message.Body = body.ToMessageBody();
        return message;
    }
}
