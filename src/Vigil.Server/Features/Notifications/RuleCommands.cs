using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Cli;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Identity;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Notifications;

/// <summary><c>vigil rules add|list|remove</c> and <c>vigil notifications list</c>: who is told about what.</summary>
internal static class RuleCommands
{
    public static Command Create()
    {
        var rules = new Command("rules", "Notification rules: which events reach whom, by e-mail, webhook or MQTT");
        rules.Subcommands.Add(CreateAdd());
        rules.Subcommands.Add(CreateList());
        rules.Subcommands.Add(CreateRemove());
        return rules;
    }

    public static Command CreateNotifications()
    {
        var notifications = new Command("notifications", "Notifications sent, pending, failed and suppressed (with the reason)");
        var owner = new Option<string?>("--owner") { Description = "Only this owner's", HelpName = "EMAIL" };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (default 50)", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List notifications, newest first") { owner, limit, CliOptions.Json };
        list.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var db = services.GetRequiredService<VigilDbContext>();
            var query = db.NotificationDeliveries.AsNoTracking();
            if (await services.GetRequiredService<IUserDirectory>().OwnerFilterAsync(parseResult.GetValue(owner), ct) is { } ownerId)
            {
                query = query.Where(d => d.OwnerId == ownerId);
            }

            var rows = await query.OrderByDescending(d => d.Id).Take(Math.Clamp(parseResult.GetValue(limit), 1, 1000)).ToListAsync(ct);
            var emails = await services.GetRequiredService<IUserDirectory>().EmailsAsync(rows.Select(d => d.OwnerId), ct);
            if (parseResult.GetValue(CliOptions.Json))
            {
                await CliOutput.WriteJsonAsync(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var d in rows)
                    {
                        writer.WriteStartObject();
                        writer.WriteNumber("id", d.Id);
                        writer.WriteString("eventKey", d.EventKey);
                        writer.WriteString("ruleId", d.RuleId);
                        writer.WriteString("owner", emails[d.OwnerId]);
                        writer.WriteString("cameraId", d.CameraId);
                        writer.WriteString("label", d.Label);
                        writer.WriteString("action", d.Action);
                        writer.WriteString("status", d.Status.ToString());
                        writer.WriteString("reason", d.Reason);
                        writer.WriteNumber("attempts", d.Attempts);
                        writer.WriteString("createdAt", d.CreatedAt);
                        writer.WriteString("lastError", d.LastError);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }, ct);
                return CommandRunner.Success;
            }

            var table = new TextTable("ID", "TIME (UTC)", "OWNER", "LABEL", "ACTION", "STATUS", "REASON / ERROR");
            foreach (var d in rows)
            {
                table.Add(d.Id.ToString(CultureInfo.InvariantCulture), d.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), emails[d.OwnerId], d.Label, d.Action, d.Status.ToString(), d.Reason ?? d.LastError ?? "");
            }

            Console.Write(table.Count == 0 ? "No notifications.\n" : table.ToString());
            return CommandRunner.Success;
        }, cancellationToken));
        notifications.Subcommands.Add(list);
        return notifications;
    }

    private static Command CreateAdd()
    {
        var owner = new Option<string>("--owner") { Description = "The rule's owner, an account's e-mail address (the rule sees the events of their cameras)", Required = true, HelpName = "EMAIL" };
        var name = new Option<string?>("--name") { Description = "A name for the rule (default: its labels)" };
        var cameras = new Option<string[]>("--camera") { Description = "A camera (name or id) of the owner; repeat for several; default: all", HelpName = "CAMERA", AllowMultipleArgumentsPerToken = false };
        var labels = new Option<string[]>("--label") { Description = "A label (Person, Car, Dog, ...); repeat for several; default: any event", HelpName = "LABEL" };
        var confidence = new Option<double>("--min-confidence") { Description = "Minimum detection score, 0-1 (default 0.5)", DefaultValueFactory = _ => 0.5 };
        var quiet = new Option<string?>("--quiet") { Description = "Quiet hours, HH:mm-HH:mm (e.g. 22:00-07:00), in Notifications:TimeZone", HelpName = "HOURS" };
        var email = new Option<string?>("--email") { Description = "Send an e-mail (with the annotated picture) to this address", HelpName = "ADDRESS" };
        var emailOwner = new Option<bool>("--email-owner") { Description = "Send the e-mail to the owner, at the address their account has when it is sent" };
        var webhook = new Option<string?>("--webhook") { Description = "POST a signed JSON notification to this URL", HelpName = "URL" };
        var mqtt = new Option<bool>("--mqtt") { Description = "Publish a JSON message on vigil/<camera id>/events (Vigil's MQTT broker; read by integrations such as Home Assistant)" };
        var command = new Command("add", "Add a rule") { owner, name, cameras, labels, confidence, quiet, email, emailOwner, webhook, mqtt, CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var account = await services.GetRequiredService<IUserDirectory>().RequireByEmailAsync(parseResult.GetValue(owner)!, ct);
            var ownerEmail = account.Email;
            var known = await services.GetRequiredService<SnapshotCameraDirectory>().ListAsync(account.Id, ct);
            var cameraIds = new List<Guid>();
            foreach (var c in parseResult.GetValue(cameras) ?? [])
            {
                var match = known.FirstOrDefault(k => k.Name == c || string.Equals(k.Id.ToString(), c, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    return await CommandRunner.FailAsync($"{ownerEmail} has no snapshot camera '{c}'");
                }

                cameraIds.Add(match.Id);
            }

            var added = await services.GetRequiredService<RuleDirectory>().AddAsync(
                new RuleSpecification(account.Id, parseResult.GetValue(name), cameraIds, parseResult.GetValue(labels) ?? [], parseResult.GetValue(confidence), parseResult.GetValue(quiet), parseResult.GetValue(email), parseResult.GetValue(webhook), EmailOwner: parseResult.GetValue(emailOwner), Mqtt: parseResult.GetValue(mqtt)),
                ct);
            if (added.Rule is not { } rule)
            {
                return await CommandRunner.FailAsync(added.Problem!);
            }

            if (parseResult.GetValue(CliOptions.Json))
            {
                await CliOutput.WriteJsonAsync(writer => WriteRule(writer, rule, ownerEmail, withSecret: true), ct);
                return CommandRunner.Success;
            }

            Console.WriteLine($"Added rule {rule.Id} '{rule.Name}' for {ownerEmail}.");
            if (rule.WebhookSecret is { } secret)
            {
                Console.WriteLine($"Webhook signing secret (shown once): {secret}");
            }

            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateList()
    {
        var owner = new Option<string?>("--owner") { Description = "Only this owner's rules", HelpName = "EMAIL" };
        var command = new Command("list", "List rules") { owner, CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var found = await services.GetRequiredService<RuleDirectory>().ListAsync(await services.GetRequiredService<IUserDirectory>().OwnerFilterAsync(parseResult.GetValue(owner), ct), ct);
            var emails = await services.GetRequiredService<IUserDirectory>().EmailsAsync(found.Select(r => r.OwnerId), ct);
            var rules = found.OrderBy(r => emails[r.OwnerId], StringComparer.Ordinal).ThenBy(r => r.CreatedAt).ToList();
            if (parseResult.GetValue(CliOptions.Json))
            {
                await CliOutput.WriteJsonAsync(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var rule in rules)
                    {
                        WriteRule(writer, rule, emails[rule.OwnerId], withSecret: false);
                    }

                    writer.WriteEndArray();
                }, ct);
                return CommandRunner.Success;
            }

            var table = new TextTable("ID", "OWNER", "NAME", "LABELS", "MIN", "QUIET", "ACTIONS");
            foreach (var r in rules)
            {
                var actions = string.Join(", ", new[] { r.EmailTo is not null ? "e-mail " + r.EmailTo : r.EmailOwner ? "e-mail owner" : null, r.WebhookUrl is null ? null : "webhook " + r.WebhookUrl, r.Mqtt ? "mqtt" : null }.OfType<string>());
                table.Add(r.Id.ToString(), emails[r.OwnerId], r.Name, r.Labels.Length == 0 ? "(any)" : r.Labels, r.MinConfidence.ToString("0.00", CultureInfo.InvariantCulture), r.QuietHours ?? "-", actions);
            }

            Console.Write(table.Count == 0 ? "No rules; add one with: vigil rules add --owner EMAIL --label Person --email-owner (or --email EMAIL, --webhook URL, --mqtt)\n" : table.ToString());
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRemove()
    {
        var id = new Argument<Guid>("RULE") { Description = "The rule's id" };
        var command = new Command("remove", "Delete a rule") { id };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            if (!await services.GetRequiredService<RuleDirectory>().RemoveAsync(parseResult.GetValue(id), null, ct))
            {
                await Console.Error.WriteLineAsync($"vigil: no rule {parseResult.GetValue(id)}");
                return CommandRunner.Failure;
            }

            Console.WriteLine($"Removed rule {parseResult.GetValue(id)}.");
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static void WriteRule(Utf8JsonWriter writer, NotificationRule rule, string ownerEmail, bool withSecret)
    {
        writer.WriteStartObject();
        writer.WriteString("id", rule.Id);
        writer.WriteString("owner", ownerEmail);
        writer.WriteString("name", rule.Name);
        writer.WriteStartArray("cameras");
        foreach (var c in rule.CameraList)
        {
            writer.WriteStringValue(c);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("labels");
        foreach (var l in rule.LabelList)
        {
            writer.WriteStringValue(l);
        }

        writer.WriteEndArray();
        writer.WriteNumber("minConfidence", rule.MinConfidence);
        writer.WriteString("quietHours", rule.QuietHours);
        writer.WriteString("email", rule.EmailTo);
        writer.WriteBoolean("emailOwner", rule.EmailOwner);
        writer.WriteString("webhook", rule.WebhookUrl);
        writer.WriteBoolean("mqtt", rule.Mqtt);
        if (withSecret)
        {
            writer.WriteString("webhookSecret", rule.WebhookSecret);
        }

        writer.WriteBoolean("enabled", rule.Enabled);
        writer.WriteEndObject();
    }
}
