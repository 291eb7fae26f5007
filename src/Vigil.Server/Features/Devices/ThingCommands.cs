using System.CommandLine;
using System.Text.Json;
using Vigil.Server.Cli;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Devices;

/// <summary><c>vigil things list|revoke</c>: provisioned devices.</summary>
internal static class ThingCommands
{
    public static Command Create()
    {
        var things = new Command("things", "Provisioned devices (things): their certificates and presence");
        things.Subcommands.Add(CreateList());
        things.Subcommands.Add(CreateRevoke());
        return things;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List things with their certificate status, online state and last-seen time") { CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var things = await services.GetRequiredService<ThingRegistry>().ListAsync(ct);
            if (parseResult.GetValue(CliOptions.Json))
            {
                await CliOutput.WriteJsonAsync(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var (thing, status) in things)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("name", thing.Name);
                        writer.WriteString("thingTypeName", thing.ThingTypeName);
                        writer.WritePropertyName("attributes");
                        writer.WriteRawValue(thing.AttributesJson);
                        writer.WritePropertyName("thingGroups");
                        writer.WriteRawValue(thing.ThingGroupsJson);
                        writer.WriteString("template", thing.Template);
                        writer.WriteString("certificateId", thing.CertificateId);
                        writer.WriteString("certificateStatus", status?.ToString());
                        writer.WriteBoolean("online", thing.Online);
                        WriteTime(writer, "lastSeen", thing.LastSeen);
                        writer.WriteString("createdAt", thing.CreatedAt);
                        WriteTime(writer, "revokedAt", thing.RevokedAt);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }, ct);
                return CommandRunner.Success;
            }

            var table = new TextTable("THING", "TYPE", "CERTIFICATE", "STATUS", "ONLINE", "LAST SEEN");
            foreach (var (thing, status) in things)
            {
                table.Add(
                    thing.Name,
                    thing.ThingTypeName ?? "-",
                    thing.CertificateId[..12],
                    thing.RevokedAt is not null ? "revoked" : status?.ToString() ?? "missing",
                    thing.Online ? "yes" : "no",
                    thing.LastSeen is { } seen ? seen.ToString("yyyy-MM-dd HH:mm:ss'Z'") : "never");
            }

            Console.Write(table.Count == 0 ? "No things yet; cameras appear here once they provision themselves (vigil-agent provision).\n" : table.ToString());
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static Command CreateRevoke()
    {
        var name = new Argument<string>("THING") { Description = "The thing name (by default the camera's serial number)" };
        var command = new Command("revoke", "Revoke a thing's certificate: its MQTT connection is dropped within a second, it can no longer connect or get credentials, and it cannot provision again unless Provisioning:AllowReprovision") { name };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var value = parseResult.GetValue(name)!;
            switch (await services.GetRequiredService<ThingRegistry>().RevokeAsync(value, ct))
            {
                case RevokeOutcome.Revoked:
                    Console.WriteLine($"Revoked {value}: its certificate is revoked and a running server drops its connection.");
                    return CommandRunner.Success;
                case RevokeOutcome.AlreadyRevoked:
                    Console.WriteLine($"{value} was already revoked.");
                    return CommandRunner.Success;
                default:
                    await Console.Error.WriteLineAsync($"vigil: there is no thing named {DisplayText.Printable(value)}");
                    return CommandRunner.Failure;
            }
        }, cancellationToken));
        return command;
    }
}
