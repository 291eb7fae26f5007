using System.CommandLine;
using System.Text.Json;
using Vigil.Server.Cli;

namespace Vigil.Server.Features.Ingest;

/// <summary><c>vigil cameras add-snapshot|list|rotate-credentials|remove|webhook-url</c>: cameras that send pictures by e-mail, webhook or upload.</summary>
internal static class CameraCommands
{
    public static Command Create()
    {
        var cameras = new Command("cameras", "Snapshot cameras: cameras that e-mail or upload pictures when they see motion");
        cameras.Subcommands.Add(CreateAdd());
        cameras.Subcommands.Add(CreateList());
        cameras.Subcommands.Add(CreateRotate());
        cameras.Subcommands.Add(CreateRemove());
        cameras.Subcommands.Add(CreateWebhookUrl());
        return cameras;
    }

    private static readonly Option<string> Owner = new("--owner") { Description = "The owner's e-mail address; events and notifications belong to them", Required = true, HelpName = "EMAIL" };
    private static readonly Option<string?> OwnerFilter = new("--owner") { Description = "Only this owner's cameras", HelpName = "EMAIL" };

    private static Command CreateAdd()
    {
        var name = new Option<string>("--name") { Description = "A name for the camera (e.g. \"Front door\")", Required = true, HelpName = "NAME" };
        var command = new Command("add-snapshot", "Create a snapshot camera and print its SMTP credentials, private ingest address and upload token (shown once)") { Owner, name, CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var credentials = await services.GetRequiredService<SnapshotCameraDirectory>().AddAsync(parseResult.GetValue(Owner)!, parseResult.GetValue(name)!, ct);
            await PrintCredentialsAsync(credentials, services, parseResult.GetValue(CliOptions.Json), ct);
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRotate()
    {
        var camera = new Argument<string>("CAMERA") { Description = "The camera's name or id" };
        var command = new Command("rotate-credentials", "Issue new SMTP password, ingest address and upload token; the old ones stop working") { camera, OwnerFilter, CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var credentials = await services.GetRequiredService<SnapshotCameraDirectory>().RotateAsync(parseResult.GetValue(camera)!, parseResult.GetValue(OwnerFilter), ct);
            await PrintCredentialsAsync(credentials, services, parseResult.GetValue(CliOptions.Json), ct);
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRemove()
    {
        var camera = new Argument<string>("CAMERA") { Description = "The camera's name or id" };
        var command = new Command("remove", "Delete a snapshot camera (its events stay until retention removes them)") { camera, OwnerFilter };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var removed = await services.GetRequiredService<SnapshotCameraDirectory>().RemoveAsync(parseResult.GetValue(camera)!, parseResult.GetValue(OwnerFilter), ct);
            Console.WriteLine($"Removed camera '{removed.Name}' ({removed.Id}) of {removed.OwnerEmail}.");
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List snapshot cameras (never their secrets)") { OwnerFilter, CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var cameras = await services.GetRequiredService<SnapshotCameraDirectory>().ListAsync(parseResult.GetValue(OwnerFilter), ct);
            if (parseResult.GetValue(CliOptions.Json))
            {
                await WriteJsonAsync(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var c in cameras)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("id", c.Id);
                        writer.WriteString("name", c.Name);
                        writer.WriteString("owner", c.OwnerEmail);
                        writer.WriteString("smtpUsername", c.SmtpUsername);
                        writer.WriteString("createdAt", c.CreatedAt);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }, ct);
                return CommandRunner.Success;
            }

            var table = new TextTable("ID", "NAME", "OWNER", "SMTP USER", "CREATED");
            foreach (var c in cameras)
            {
                table.Add(c.Id.ToString(), c.Name, c.OwnerEmail, c.SmtpUsername, c.CreatedAt.ToString("yyyy-MM-dd HH:mm"));
            }

            Console.Write(table.Count == 0 ? "No snapshot cameras; add one with: vigil cameras add-snapshot --owner EMAIL --name NAME\n" : table.ToString());
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateWebhookUrl()
    {
        var command = new Command("webhook-url", "Print the path of the SendGrid-compatible inbound-parse webhook (keep it secret)");
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, (services, ct) =>
        {
            Console.WriteLine($"/api/ingest/sendgrid/{services.GetRequiredService<IngestWebhookKey>().Secret}");
            return Task.FromResult(CommandRunner.Success);
        }, cancellationToken));
        return command;
    }

    private static async Task PrintCredentialsAsync(CameraCredentials c, IServiceProvider services, bool json, CancellationToken ct)
    {
        var port = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<IngestOptions>>().Value.SmtpPort;
        if (json)
        {
            await WriteJsonAsync(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("id", c.Camera.Id);
                writer.WriteString("name", c.Camera.Name);
                writer.WriteString("owner", c.Camera.OwnerEmail);
                writer.WriteString("smtpUsername", c.SmtpUsername);
                writer.WriteString("smtpPassword", c.SmtpPassword);
                writer.WriteNumber("smtpPort", port);
                writer.WriteString("ingestAddress", c.IngestAddress);
                writer.WriteString("uploadToken", c.UploadToken);
                writer.WriteEndObject();
            }, ct);
            return;
        }

        Console.WriteLine($"""
            Camera '{c.Camera.Name}' ({c.Camera.Id}) of {c.Camera.OwnerEmail}
              SMTP server      this host, port {port}, STARTTLS
              SMTP username    {c.SmtpUsername}
              SMTP password    {c.SmtpPassword}
              Send pictures to {c.IngestAddress}   (or any address, when authenticated)
              Upload token     {c.UploadToken}   (POST /api/ingest/snapshot, Authorization: Bearer <token>)
            These secrets are shown only now; `vigil cameras rotate-credentials` issues new ones.
            """);
    }

    private static async Task WriteJsonAsync(Action<Utf8JsonWriter> write, CancellationToken ct)
    {
        await using var output = Console.OpenStandardOutput();
        await using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
        {
            write(writer);
            await writer.FlushAsync(ct);
        }

        await output.WriteAsync("\n"u8.ToArray(), ct);
    }
}
