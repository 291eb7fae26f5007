using System.CommandLine;
using Vigil.Server.Cli;
using Vigil.Server.Features.Identity;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// <c>vigil cameras list|unbind|add-snapshot|rotate-credentials|remove|webhook-url</c>: users'
/// cameras for the operator (support, resale): live cameras users bound, and snapshot cameras that
/// e-mail or upload pictures.
/// </summary>
internal static class CameraCommands
{
    public static Command Create()
    {
        var cameras = new Command("cameras", "Users' cameras: live cameras they bound with serial and secret, and snapshot cameras that e-mail or upload pictures");
        cameras.Subcommands.Add(CameraListCommand.Create(OwnerFilter));
        cameras.Subcommands.Add(CreateUnbind());
        cameras.Subcommands.Add(CreateAdd());
        cameras.Subcommands.Add(CreateRotate());
        cameras.Subcommands.Add(CreateRemove());
        cameras.Subcommands.Add(CreateWebhookUrl());
        return cameras;
    }

    private static readonly Option<string> Owner = new("--owner") { Description = "The owner's account (e-mail address; create it with 'vigil user add'); events and notifications belong to them", Required = true, HelpName = "EMAIL" };
    private static readonly Option<string?> OwnerFilter = new("--owner") { Description = "Only this owner's cameras", HelpName = "EMAIL" };

    private static Command CreateAdd()
    {
        var name = new Option<string>("--name") { Description = "A name for the camera (e.g. \"Front door\")", Required = true, HelpName = "NAME" };
        var command = new Command("add-snapshot", "Create a snapshot camera and print its SMTP credentials, private ingest address and upload token (shown once)") { Owner, name, CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var owner = await services.GetRequiredService<IUserDirectory>().RequireByEmailAsync(parseResult.GetValue(Owner)!, ct);
            var added = await services.GetRequiredService<SnapshotCameraDirectory>().AddAsync(owner.Id, parseResult.GetValue(name)!, ct);
            if (added.Value is not { } credentials)
            {
                return await FailAsync(added, parseResult.GetValue(name)!.Trim(), owner.Email);
            }

            await PrintCredentialsAsync(credentials, owner.Email, services, parseResult.GetValue(CliOptions.Json), ct);
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
            var ownerId = await OwnerIdAsync(services, parseResult.GetValue(OwnerFilter), ct);
            var rotated = await services.GetRequiredService<SnapshotCameraDirectory>().RotateAsync(parseResult.GetValue(camera)!, ownerId, ct);
            if (rotated.Value is not { } credentials)
            {
                return await FailAsync(rotated, parseResult.GetValue(camera)!, ownerId);
            }

            var email = (await services.GetRequiredService<IUserDirectory>().EmailsAsync([credentials.Camera.OwnerId], ct))[credentials.Camera.OwnerId];
            await PrintCredentialsAsync(credentials, email, services, parseResult.GetValue(CliOptions.Json), ct);
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRemove()
    {
        var camera = new Argument<string>("CAMERA") { Description = "The camera's name or id" };
        var command = new Command("remove", "Delete a snapshot camera, or unbind a live one (its events stay until retention removes them)") { camera, OwnerFilter };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var ownerId = await OwnerIdAsync(services, parseResult.GetValue(OwnerFilter), ct);
            var result = await services.GetRequiredService<CameraDirectory>().RemoveAsync(parseResult.GetValue(camera)!, ownerId, ct);
            if (result.Value is not { } removed)
            {
                return await FailAsync(result, parseResult.GetValue(camera)!, ownerId);
            }

            var email = (await services.GetRequiredService<IUserDirectory>().EmailsAsync([removed.OwnerId], ct))[removed.OwnerId];
            Console.WriteLine($"Removed camera '{removed.Name}' ({removed.Id}) of {email}.");
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateUnbind()
    {
        var serial = new Argument<string>("SERIAL") { Description = "The camera's serial number" };
        var command = new Command("unbind", "Unbind a live camera from its owner (resale, support): the owner loses it at once, its viewers are disconnected, anyone with its secret may bind it again") { serial };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var value = parseResult.GetValue(serial)!.Trim();
            var result = await services.GetRequiredService<CameraDirectory>().UnbindAsync(value, ct);
            if (result.Value is not { } unbound)
            {
                return await CommandRunner.FailAsync($"no one has bound a camera with serial {DisplayText.Printable(value, 64, "")}");
            }

            var email = (await services.GetRequiredService<IUserDirectory>().EmailsAsync([unbound.OwnerId], ct))[unbound.OwnerId];
            Console.WriteLine($"Unbound {value} ('{unbound.Name}') from {email}.");
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateWebhookUrl()
    {
        var command = new Command("webhook-url", "Print the path of the SendGrid-compatible inbound-parse webhook (keep it secret)");
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, (services, ct) =>
        {
            Console.WriteLine(services.GetRequiredService<ISnapshotIngestEndpoints>().WebhookPath);
            return Task.FromResult(CommandRunner.Success);
        }, cancellationToken));
        return command;
    }

    /// <summary>The message for a camera named by an operator that was not found or is ambiguous.</summary>
    private static Task<int> FailAsync<T>(CameraResult<T> result, string camera, Guid? ownerId)
        where T : class =>
        CommandRunner.FailAsync(result.Outcome == CameraOutcome.Ambiguous
            ? $"{result.Problem}; give --owner or the camera id"
            : $"no snapshot camera '{camera}'{(ownerId is null ? "" : " belongs to the owner")}");

    /// <summary>The message for a camera that could not be created.</summary>
    private static Task<int> FailAsync(CameraResult<CameraCredentials> result, string name, string ownerEmail) =>
        CommandRunner.FailAsync(result.Outcome == CameraOutcome.DuplicateName ? $"{ownerEmail} already has a camera named '{name}'" : result.Problem!);

    private static Task<Guid?> OwnerIdAsync(IServiceProvider services, string? email, CancellationToken ct) =>
        services.GetRequiredService<IUserDirectory>().OwnerFilterAsync(email, ct);

    private static async Task PrintCredentialsAsync(CameraCredentials c, string ownerEmail, IServiceProvider services, bool json, CancellationToken ct)
    {
        var ingest = services.GetRequiredService<ISnapshotIngestEndpoints>();
        var port = ingest.SmtpPort;
        if (json)
        {
            await CliOutput.WriteJsonAsync(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("id", c.Camera.Id);
                writer.WriteString("name", c.Camera.Name);
                writer.WriteString("owner", ownerEmail);
                writer.WriteString("ownerId", c.Camera.OwnerId);
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
            Camera '{c.Camera.Name}' ({c.Camera.Id}) of {ownerEmail}
              SMTP server      this host, port {port}, STARTTLS
              SMTP username    {c.SmtpUsername}
              SMTP password    {c.SmtpPassword}
              Send pictures to {c.IngestAddress}   (or any address, when authenticated)
              Upload token     {c.UploadToken}   (POST {ingest.UploadPath}, Authorization: Bearer <token>)
            These secrets are shown only now; `vigil cameras rotate-credentials` issues new ones.
            """);
    }
}
