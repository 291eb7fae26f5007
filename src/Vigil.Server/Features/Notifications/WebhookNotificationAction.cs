using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// JSON POST to the rule's URL, signed: <c>X-Vigil-Timestamp</c> (Unix seconds) and
/// <c>X-Vigil-Signature: sha256=&lt;hex HMAC-SHA256(secret, timestamp + "." + body)&gt;</c>, so the
/// receiver can check origin and freshness. Anything but 2xx is a failure (retried with backoff),
/// redirects included; where it may connect is <see cref="WebhookTargetGuard"/>'s decision.
/// </summary>
internal sealed class WebhookNotificationAction(IHttpClientFactory clients, WebhookSecrets secrets, IOptions<NotificationsOptions> options, TimeProvider time) : INotificationAction
{
    public const string Kind = "Webhook";
    public const string HttpClientName = "notification-webhook";

    public string Name => Kind;

    public async Task SendAsync(NotificationDelivery delivery, NotificationPayload payload, NotificationRule rule, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new WebhookNotification("vigil.event", delivery.Id, payload.EventKey, payload.CameraId, payload.CameraName, payload.OccurredAt, payload.Source, payload.RuleName, payload.Labels),
            NotificationsJsonContext.Default.WebhookNotification);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Target)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add("X-Vigil-Timestamp", timestamp);
        request.Headers.Add("X-Vigil-Signature", "sha256=" + Sign(secrets.Reveal(rule), timestamp, body));
        request.Headers.Add("X-Vigil-Delivery", delivery.Id.ToString(CultureInfo.InvariantCulture));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.DeliveryTimeout);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                throw new NotificationDeliveryException($"{delivery.Target} answered {(int)response.StatusCode} {response.ReasonPhrase} to {response.Headers.Location}; redirects are not followed (give the rule the final URL)");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new NotificationDeliveryException($"{delivery.Target} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
        }
        catch (HttpRequestException e)
        {
            throw new NotificationDeliveryException($"{delivery.Target} cannot be reached: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NotificationDeliveryException($"{delivery.Target} did not answer within {options.Value.DeliveryTimeout}", e);
        }
    }

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }
}
