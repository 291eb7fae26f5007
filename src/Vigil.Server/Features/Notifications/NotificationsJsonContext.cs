using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Notifications;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NotificationPayload))]
[JsonSerializable(typeof(WebhookNotification))]
internal sealed partial class NotificationsJsonContext : JsonSerializerContext;
