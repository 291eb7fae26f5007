using MimeKit;

namespace Vigil.TestSupport;

/// <summary>Camera e-mails, built with MimeKit, as text ready for DATA.</summary>
internal static class CameraMail
{
    public static string With(params (string Name, string Type, byte[] Bytes)[] attachments)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("cam@example.com"));
        message.To.Add(MailboxAddress.Parse("owner@example.com"));
        message.Subject = "Motion";
        var body = new BodyBuilder { TextBody = "Motion detected" };
        foreach (var (name, type, bytes) in attachments)
        {
            body.Attachments.Add(name, bytes, ContentType.Parse(type));
        }

        message.Body = body.ToMessageBody();
        using var output = new MemoryStream();
        message.WriteTo(output);
        return System.Text.Encoding.ASCII.GetString(output.ToArray());
    }
}
