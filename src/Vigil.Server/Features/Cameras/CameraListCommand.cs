using System.CommandLine;
using System.Text.Json;
using Vigil.Server.Cli;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Identity;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// <c>vigil cameras list [--owner EMAIL] [--all] [--json]</c>: every user's cameras with their kind,
/// serial, presence and owner; <c>--all</c> adds the registry's cameras nobody has bound (what
/// support needs to see whether a camera was ever bound, provisioned or seen).
/// </summary>
internal static class CameraListCommand
{
    public static Command Create(Option<string?> ownerFilter)
    {
        var all = new Option<bool>("--all") { Description = "Also list the manufacturing registry's cameras that nobody has bound" };
        var command = new Command("list", "List cameras, live and snapshot, with owner, serial and presence (never secrets)") { ownerFilter, all, CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var directory = services.GetRequiredService<IUserDirectory>();
            var ownerId = await directory.OwnerFilterAsync(parseResult.GetValue(ownerFilter), ct);
            var cameras = await services.GetRequiredService<CameraDirectory>().ListAsync(ownerId, ct);
            var emails = await directory.EmailsAsync(cameras.Select(c => c.Camera.OwnerId), ct);
            var rows = cameras
                .Select(c => new Row(c, emails[c.Camera.OwnerId]))
                .OrderBy(r => r.Owner, StringComparer.Ordinal).ThenBy(r => r.Details!.Camera.Name, StringComparer.Ordinal)
                .ToList();
            if (parseResult.GetValue(all) && ownerId is null)
            {
                rows.AddRange(await UnboundAsync(services, rows, ct));
            }

            if (parseResult.GetValue(CliOptions.Json))
            {
                await CliOutput.WriteJsonAsync(writer => WriteJson(writer, rows), ct);
                return CommandRunner.Success;
            }

            var table = new TextTable("ID", "NAME", "KIND", "SERIAL", "OWNER", "PROVISIONED", "ONLINE", "LAST SEEN");
            foreach (var r in rows)
            {
                table.Add(
                    r.Details?.Camera.Id.ToString() ?? "-",
                    r.Details?.Camera.Name ?? "-",
                    r.Details is null ? "live" : Kind(r.Details.Camera.Kind),
                    r.Serial ?? "-",
                    r.Owner ?? "(not bound)",
                    r.Provisioned ? "yes" : "no",
                    r.Online switch { true => "yes", false => "no", null => "-" },
                    r.LastSeen is { } seen ? seen.ToString("yyyy-MM-dd HH:mm:ss'Z'") : "-");
            }

            Console.Write(table.Count == 0
                ? "No cameras yet: users bind live cameras in the web client; add a snapshot camera with: vigil cameras add-snapshot --owner EMAIL --name NAME\n"
                : table.ToString());
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>The registry's serials that no camera is bound to, with their things.</summary>
    private static async Task<List<Row>> UnboundAsync(IServiceProvider services, List<Row> bound, CancellationToken ct)
    {
        var taken = bound.Where(r => r.Serial is not null).Select(r => r.Serial!).ToHashSet(StringComparer.Ordinal);
        var serials = new List<string>();
        await foreach (var entry in services.GetRequiredService<ManufacturingRegistry>().ListAsync().WithCancellation(ct))
        {
            if (!taken.Contains(entry.Serial))
            {
                serials.Add(entry.Serial);
            }
        }

        var things = await services.GetRequiredService<ThingRegistry>().FindBySerialsAsync(serials, ct);
        return [.. serials.Select(s => new Row(null, null) { UnboundSerial = s, UnboundThing = things.GetValueOrDefault(s) })];
    }

    private static void WriteJson(Utf8JsonWriter writer, List<Row> rows)
    {
        writer.WriteStartArray();
        foreach (var r in rows)
        {
            writer.WriteStartObject();
            var camera = r.Details?.Camera;
            WriteNullable(writer, "id", camera?.Id.ToString());
            WriteNullable(writer, "name", camera?.Name);
            writer.WriteString("kind", camera is null ? "live" : Kind(camera.Kind));
            WriteNullable(writer, "serialNumber", r.Serial);
            WriteNullable(writer, "owner", r.Owner);
            WriteNullable(writer, "ownerId", camera?.OwnerId.ToString());
            writer.WriteBoolean("provisioned", r.Provisioned);
            if (r.Online is { } online)
            {
                writer.WriteBoolean("online", online);
            }
            else
            {
                writer.WriteNull("online");
            }

            WriteNullable(writer, "lastSeen", r.LastSeen?.ToString("O"));
            WriteNullable(writer, "channelName", r.Details?.Channel?.Name);
            WriteNullable(writer, "channelArn", r.Details?.Channel?.Arn);
            WriteNullable(writer, "smtpUsername", camera?.SmtpUsername);
            WriteNullable(writer, "createdAt", camera?.CreatedAt.ToString("O"));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static string Kind(CameraKind kind) => kind == CameraKind.Live ? "live" : "snapshot";

    /// <summary>A bound camera (<see cref="Details"/>), or a registry serial nobody bound.</summary>
    private sealed record Row(CameraDetails? Details, string? Owner)
    {
        public string? UnboundSerial { get; init; }

        public Thing? UnboundThing { get; init; }

        public string? Serial => Details?.Camera.Serial ?? UnboundSerial;

        public bool Provisioned => Details?.Provisioned ?? UnboundThing is { RevokedAt: null };

        public bool? Online => Details is null ? UnboundThing is { RevokedAt: null, Online: true } : Details.Online;

        public DateTimeOffset? LastSeen => Details?.LastSeen ?? UnboundThing?.LastSeen;
    }
}
