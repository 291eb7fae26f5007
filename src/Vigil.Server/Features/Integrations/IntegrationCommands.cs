using System.CommandLine;
using System.Globalization;
using Vigil.Server.Cli;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Integrations;

/// <summary><c>vigil integrations create|list|revoke</c>: home-automation systems that read Vigil's MQTT topics.</summary>
internal static class IntegrationCommands
{
    public static Command Create()
    {
        var integrations = new Command("integrations", "Home-automation systems (Home Assistant...) that may read Vigil's MQTT topics (vigil/#, homeassistant/#)");
        integrations.Subcommands.Add(CreateCreate());
        integrations.Subcommands.Add(CreateList());
        integrations.Subcommands.Add(CreateRevoke());
        return integrations;
    }

    private static Command CreateCreate()
    {
        var name = new Argument<string>("NAME") { Description = "A name, also the MQTT client id it must connect with (e.g. homeassistant)" };
        var output = new Option<string>("--out") { Description = "Directory for the certificate, its key and the root CA (created if missing)", Required = true, HelpName = "DIR" };
        var force = new Option<bool>("--force") { Description = "Replace files already in the directory" };
        var command = new Command("create", $"Issue a client certificate for an integration and write {string.Join(", ", IntegrationDirectory.FileNames)}") { name, output, force };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var bundle = await services.GetRequiredService<IntegrationDirectory>().CreateAsync(parseResult.GetValue(name)!, parseResult.GetValue(output)!, parseResult.GetValue(force), ct);
            var host = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServerOptions>>().Value.EffectivePublicHost;
            Console.WriteLine($"""
                Integration '{bundle.Name}': certificate {bundle.CertificateId}, valid until {bundle.NotAfter:yyyy-MM-dd}
                  files          {string.Join(", ", IntegrationDirectory.FileNames)} in {bundle.Directory} ({IntegrationDirectory.KeyFile} is readable by its owner only)
                  MQTT broker    {host}, port {bundle.MqttPort}, TLS; trust {IntegrationDirectory.RootCaFile}
                  client id      {bundle.Name}   (exactly this; any user name, no password)
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
                        writer.WriteString("createdAt", i.CreatedAt);
                        writer.WriteString("notAfter", i.NotAfter);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }, ct);
                return CommandRunner.Success;
            }

            var table = new TextTable("NAME", "STATUS", "CREATED", "VALID UNTIL", "CERTIFICATE");
            foreach (var i in integrations)
            {
                table.Add(i.Name, i.Status.ToString(), i.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), i.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), i.CertificateId);
            }

            Console.Write(table.Count == 0 ? "No integrations; add one with: vigil integrations create homeassistant --out DIR\n" : table.ToString());
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
