using System.Text.Json;
using MimeKit;

namespace Vigil.Server.Features.Ingest;

/// <summary>
/// Turns a SendGrid Inbound Parse POST into the MIME message Vigil spools: the raw <c>email</c>
/// field as is ("send raw" mode), or a message rebuilt from <c>from</c>, <c>to</c>, <c>subject</c>,
/// <c>text</c>, <c>html</c> and the files <c>attachment1..N</c> (typed by <c>attachment-info</c>).
/// Also finds the recipients (the <c>envelope</c>'s <c>to</c>, else the <c>to</c> header).
/// </summary>
internal static class SendGridMessageBuilder
{
    public const int MaxAttachments = 20;

    public static IReadOnlyList<string> Recipients(IFormCollection form)
    {
        if (form.TryGetValue("envelope", out var envelopeText) && envelopeText.Count > 0)
        {
            try
            {
                var envelope = JsonSerializer.Deserialize(envelopeText[0]!, IngestJsonContext.Default.SendGridEnvelope);
                if (envelope?.To is { Count: > 0 } to)
                {
                    return to.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).ToList();
                }
            }
            catch (JsonException)
            {
                // Fall back to the header.
            }
        }

        if (form.TryGetValue("to", out var toText) && toText.Count > 0 && InternetAddressList.TryParse(toText[0], out var list))
        {
            return list.Mailboxes.Select(m => m.Address).ToList();
        }

        return [];
    }

    /// <summary>The message bytes, or null with a problem when the form is not an inbound-parse post.</summary>
    public static async Task<(byte[]? Message, string? Problem)> BuildAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        if (form.TryGetValue("email", out var raw) && raw.Count > 0 && !string.IsNullOrEmpty(raw[0]))
        {
            // Raw mode: the full MIME message. Form fields are text; SendGrid sends it as UTF-8.
            return (System.Text.Encoding.UTF8.GetBytes(raw[0]!), null);
        }

        var message = new MimeMessage();
        if (form.TryGetValue("from", out var from) && from.Count > 0 && InternetAddressList.TryParse(from[0], out var fromList) && fromList.Count > 0)
        {
            message.From.AddRange(fromList);
        }
        else
        {
            message.From.Add(new MailboxAddress("", "camera@invalid"));
        }

        if (form.TryGetValue("to", out var to) && to.Count > 0 && InternetAddressList.TryParse(to[0], out var toList))
        {
            message.To.AddRange(toList);
        }

        message.Subject = form.TryGetValue("subject", out var subject) ? subject.ToString() : "";
        var body = new BodyBuilder
        {
            TextBody = form.TryGetValue("text", out var text) ? text.ToString() : null,
            HtmlBody = form.TryGetValue("html", out var html) ? html.ToString() : null,
        };
        var info = AttachmentInfo(form);
        var files = form.Files.Where(f => f.Name.StartsWith("attachment", StringComparison.Ordinal)).Take(MaxAttachments).ToList();
        if (files.Count == 0 && form.Files.Count == 0)
        {
            return (null, "the post has neither an 'email' field nor attachments (attachment1, ...)");
        }

        foreach (var file in files.Count > 0 ? files : form.Files.Take(MaxAttachments).ToList())
        {
            var (name, type) = info.TryGetValue(file.Name, out var described) ? described : (file.FileName, file.ContentType);
            var contentType = ContentType.TryParse(type ?? "application/octet-stream", out var parsed) ? parsed : new ContentType("application", "octet-stream");
            using var content = new MemoryStream();
            await using (var stream = file.OpenReadStream())
            {
                await stream.CopyToAsync(content, cancellationToken);
            }

            body.Attachments.Add(string.IsNullOrWhiteSpace(name) ? file.Name : name, content.ToArray(), contentType);
        }

        message.Body = body.ToMessageBody();
        using var output = new MemoryStream();
        await message.WriteToAsync(output, cancellationToken);
        return (output.ToArray(), null);
    }

    // attachment-info: {"attachment1": {"filename": "a.jpg", "name": "a.jpg", "type": "image/jpeg"}, ...}
    private static Dictionary<string, (string? Name, string? Type)> AttachmentInfo(IFormCollection form)
    {
        var result = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        if (!form.TryGetValue("attachment-info", out var text) || text.Count == 0)
        {
            return result;
        }

        try
        {
            using var document = JsonDocument.Parse(text[0]!, new JsonDocumentOptions { MaxDepth = 4 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return result;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                string? Get(string key) => property.Value.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                result[property.Name] = (Get("filename") ?? Get("name"), Get("type"));
            }
        }
        catch (JsonException)
        {
            // Ignored: the files' own names and types are used.
        }

        return result;
    }
}
