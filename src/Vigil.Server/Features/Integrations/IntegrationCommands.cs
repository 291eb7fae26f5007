using System.CommandLine;
using System.Globalization;
using Vigil.Server.Cli;
using Vigil.Server.Features.Identity;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Integrations;

/// <summary><c>vigil integrations create|list|revoke</c>: home-automation systems that read Vigil's MQTT topics.</summary>
internal static class IntegrationCommands
{
    /// <summary>What <c>list</c> shows for an integration that reads every owner's cameras (created so, or before integrations had owners).</summary>
    public const string AllOwners = "all owners";

    public static Command Create()
    {
        var integrations = new Command("integrations", "Home-automation systems (Home Assistant...) that may read Vigil's MQTT topics (vigil/#, homeassistant/#): one owner's cameras, or every owner's");
        integrations.Subcommands.Add(CreateCreate());
        integrations.Subcommands.Add(CreateList());
        integrations.Subcommands.Add(CreateRevoke());
        return integrations;
    }

    private static Command CreateCreate()
    {
        var name = new Argument<string>("NAME") { Description = "A name, also the MQTT client id it must connect with (e.g. homeassistant)" };
        var output = new Option<string>("--out") { Description = "Directory for the certificate, its key and the root CA (created if missing)", Required = true, HelpName = "DIR" };
        var owner = new Option<string?>("--owner") { Description = "The account whose cameras it reads (e-mail address); other owners' topics and discovery entries are refused", HelpName = "EMAIL" };
        var allOwners = new Option<bool>("--all-owners") { Description = "It reads every owner's cameras (one household, or an operator's own system); instead of --owner" };
        var force = new Option<bool>("--force") { Description = "Replace files already in the directory" };
        var command = new Command("create", $"Issue a client certificate for an integration and write {string.Join(", ", IntegrationDirectory.FileNames)}") { name, output, owner, allOwners, force };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var ownerEmail = parseResult.GetValue(owner);
            var everyone = parseResult.GetValue(allOwners);
            if (ownerEmail is null == !everyone)
            {
                return await CommandRunner.FailAsync(everyone
                    ? "give either --owner EMAIL or --all-owners, not both"
                    : "say whose cameras the integration reads: --owner EMAIL (one account's), or --all-owners (every owner's)");
            }

            var account = ownerEmail is null ? null : await services.GetRequiredService<IUserDirectory>().RequireByEmailAsync(ownerEmail, ct);
            var bundle = await services.GetRequiredService<IntegrationDirectory>().CreateAsync(parseResult.GetValue(name)!, account?.Id, parseResult.GetValue(output)!, parseResult.GetValue(force), ct);
            var host = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServerOptions>>().Value.EffectivePublicHost;
            var reads = account is null
                ? "EVERY owner's cameras (--all-owners)"
                : $"the cameras of {account.Email} only";
            Console.WriteLine($"""
                Integration '{bundle.Name}': certificate {bundle.CertificateId}, valid until {bundle.NotAfter:yyyy-MM-dd}
                  files          {string.Join(", ", IntegrationDirectory.FileNames)} in {bundle.Directory} ({IntegrationDirectory.KeyFile} is readable by its owner only)
                  MQTT broker    {host}, port {bundle.MqttPort}, TLS; trust {IntegrationDirectory.RootCaFile}
                  client id      {bundle.Name}   (exactly this; any user name, no password)
                  reads          {reads}
                  may subscribe  vigil/# and the discovery prefix's topics; may publish nothing
                """);
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List integrations") { CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var integrations = await services.GetRequiredService<IntegrationDirectory>().ListAsync(ct);
            var emails = await services.GetRequiredService<IUserDirectory>().EmailsAsync(integrations.Where(i => i.OwnerId is not null).Select(i => i.OwnerId!.Value), ct);
            if (parseResult.GetValue(CliOptions.Json))
            {
                await CliOutput.WriteJsonAsync(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var i in integrations)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("name", i.Name);
                        writer.WriteString("certificateId", i.CertificateId);
                        writer.WriteString("status", i.Status.ToString());
                        if (i.OwnerId is { } ownerId)
                        {
                            writer.WriteString("owner", emails[ownerId]);
                        }
                        else
                        {
                            writer.WriteNull("owner");
                        }

                        writer.WriteBoolean("allOwners", i.OwnerId is null);
                        writer.WriteString("createdAt", i.CreatedAt);
                        writer.WriteString("notAfter", i.NotAfter);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }, ct);
                return CommandRunner.Success;
            }

            var table = new TextTable("NAME", "READS", "STATUS", "CREATED", "VALID UNTIL", "CERTIFICATE");
            foreach (var i in integrations)
            {
                table.Add(i.Name, i.OwnerId is { } ownerId ? emails[ownerId] : AllOwners, i.Status.ToString(), i.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), i.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), i.CertificateId);
            }

            Console.Write(table.Count == 0 ? "No integrations; add one with: vigil integrations create homeassistant --owner EMAIL --out DIR\n" : table.ToString());
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRevoke()
    {
        var name = new Argument<string>("NAME") { Description = "The integration's name" };
        var command = new Command("revoke", "Revoke an integration's certificate; its MQTT connection is dropped within a second") { name };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            if (await services.GetRequiredService<IntegrationDirectory>().RevokeAsync(parseResult.GetValue(name)!, ct) == RevokeOutcome.NotFound)
            {
                return await CommandRunner.FailAsync($"no integration named '{parseResult.GetValue(name)}' (vigil integrations list shows them)");
            }

            Console.WriteLine($"Revoked integration '{parseResult.GetValue(name)}'.");
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }
}
