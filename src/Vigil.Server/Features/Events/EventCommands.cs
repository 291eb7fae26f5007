using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Vigil.Server.Cli;
using Vigil.Server.Features.Identity;

namespace Vigil.Server.Features.Events;

/// <summary><c>vigil events list</c>: what the cameras saw.</summary>
internal static class EventCommands
{
    public static Command Create()
    {
        var events = new Command("events", "Events: pictures from snapshot cameras and what was detected in them");
        events.Subcommands.Add(CreateList());
        return events;
    }

    private static Command CreateList()
    {
        var owner = new Option<string?>("--owner") { Description = "Only this owner's events", HelpName = "EMAIL" };
        var camera = new Option<string?>("--camera") { Description = "Only this camera (name or id)", HelpName = "CAMERA" };
        var label = new Option<string?>("--label") { Description = "Only events where this was detected (e.g. Person)", HelpName = "LABEL" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only events at or after this time (ISO 8601)", HelpName = "TIME" };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Only events before this time (ISO 8601)", HelpName = "TIME" };
        var limit = new Option<int>("--limit") { Description = $"At most this many (1-{EventFilter.MaxLimit}, default {EventFilter.DefaultLimit})", DefaultValueFactory = _ => EventFilter.DefaultLimit };
        var before = new Option<long?>("--before") { Description = "Paging: only events older than this event id", HelpName = "ID" };
        var command = new Command("list", "List events, newest first") { owner, camera, label, since, until, limit, before, CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var count = parseResult.GetValue(limit);
            if (count is < 1 or > EventFilter.MaxLimit)
            {
                await Console.Error.WriteLineAsync($"vigil: --limit must be from 1 to {EventFilter.MaxLimit}");
                return CommandRunner.Failure;
            }

            var cameraText = parseResult.GetValue(camera);
            var filter = new EventFilter(
                await services.GetRequiredService<IUserDirectory>().OwnerFilterAsync(parseResult.GetValue(owner), ct),
                Guid.TryParse(cameraText, out var cameraId) ? cameraId : null,
                cameraText is not null && !Guid.TryParse(cameraText, out _) ? cameraText : null,
                parseResult.GetValue(label),
                parseResult.GetValue(since),
                parseResult.GetValue(until),
                parseResult.GetValue(before),
                count);
            var page = await services.GetRequiredService<EventQuery>().ListAsync(filter, ct);
            if (parseResult.GetValue(CliOptions.Json))
            {
                await using var output = Console.OpenStandardOutput();
                await JsonSerializer.SerializeAsync(output, page, EventsJsonContext.Default.EventPage, ct);
                await output.WriteAsync("\n"u8.ToArray(), ct);
                return CommandRunner.Success;
            }

            var emails = await services.GetRequiredService<IUserDirectory>().EmailsAsync(page.Events.Select(e => e.OwnerId), ct);
            var table = new TextTable("ID", "TIME (UTC)", "CAMERA", "OWNER", "SOURCE", "PICTURES", "DETECTED");
            foreach (var e in page.Events)
            {
                var detected = !e.DetectionAvailable ? "(detection unavailable)"
                    : e.Detections.Count == 0 ? "-"
                    : string.Join(", ", e.Detections.GroupBy(d => d.Label).Select(g => $"{g.Key} {g.Max(d => d.Confidence).ToString("0.00", CultureInfo.InvariantCulture)}"));
                table.Add(e.Id.ToString(CultureInfo.InvariantCulture), e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.Camera, emails[e.OwnerId], e.Source, e.Pictures.Count.ToString(CultureInfo.InvariantCulture), detected);
            }

            Console.Write(table.Count == 0 ? "No events.\n" : table.ToString());
            if (page.NextBefore is { } next)
            {
                Console.WriteLine($"More: --before {next}");
            }

            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }
}
