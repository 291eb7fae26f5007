namespace Vigil.Server.Features.Notifications;

/// <summary>
/// A user's rule: which cameras (none = all) and labels (none = any event), the minimum
/// confidence, quiet hours, and the actions (e-mail, webhook, MQTT).
/// </summary>
internal sealed class NotificationRule
{
    public required Guid Id { get; init; }

    /// <summary>The owner's account id: the rule sees only the events of this account's cameras.</summary>
    public required Guid OwnerId { get; init; }

    public required string Name { get; set; }

    /// <summary>Camera ids, comma-separated; empty for every camera of the owner.</summary>
    public required string CameraIds { get; set; }

    /// <summary>Friendly labels (Person, Car), comma-separated; empty for any event.</summary>
    public required string Labels { get; set; }

    public required double MinConfidence { get; set; }

    /// <summary><c>HH:mm-HH:mm</c> in <c>Notifications:TimeZone</c>, or null.</summary>
    public string? QuietHours { get; set; }

    /// <summary>An explicit e-mail recipient; when set, it wins over <see cref="EmailOwner"/>.</summary>
    public string? EmailTo { get; set; }

    /// <summary>E-mail the owner, at the address their account has when the notification is sent.</summary>
    public bool EmailOwner { get; set; }

    public string? WebhookUrl { get; set; }

    /// <summary>
    /// The HMAC key of the webhook signature in clear: set only on a rule whose secret was just
    /// issued (shown once); never stored. See <see cref="ProtectedWebhookSecret"/>.
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// The webhook secret as stored (column <c>WebhookSecret</c>): encrypted with the Data Protection
    /// key ring (<see cref="WebhookSecrets"/>), as access-key secrets are, since Vigil needs it in clear to sign.
    /// </summary>
    public string? ProtectedWebhookSecret { get; set; }

    /// <summary>Publish on <c>vigil/&lt;camera&gt;/events</c> through Vigil's MQTT broker (read by integrations such as Home Assistant).</summary>
    public bool Mqtt { get; set; }

    public required bool Enabled { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<Guid> CameraList => CameraIds.Length == 0 ? [] : CameraIds.Split(',').Select(Guid.Parse).ToList();

    public IReadOnlyList<string> LabelList => Labels.Length == 0 ? [] : Labels.Split(',');
}
