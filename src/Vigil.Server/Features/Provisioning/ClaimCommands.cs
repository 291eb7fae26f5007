using System.CommandLine;
using Vigil.Server.Cli;

namespace Vigil.Server.Features.Provisioning;

/// <summary><c>vigil claim create</c>: the claim bundle that goes into camera firmware for fleet provisioning.</summary>
internal static class ClaimCommands
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Directory for the bundle (created if missing)", Required = true, HelpName = "DIR" };
        var template = new Option<string?>("--template") { Description = "Provisioning template the claim certificate may use (default: Provisioning:DefaultTemplate)", HelpName = "NAME" };
        var force = new Option<bool>("--force") { Description = "Replace a bundle already in the directory" };
        var create = new Command("create", "Issue a claim certificate and write the bundle a camera image needs: claim.cert.pem, claim.private.key, root-ca.pem, agent.json")
        {
            output, template, force,
        };
        create.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var writer = services.GetRequiredService<ClaimBundleWriter>();
            var bundle = await writer.WriteAsync(parseResult.GetValue(output)!, parseResult.GetValue(template), parseResult.GetValue(force), ct);
            Console.WriteLine($"Wrote the claim bundle for template {bundle.Template} to {bundle.Directory}");
            Console.WriteLine($"  certificate {bundle.CertificateId}, valid until {bundle.NotAfter:yyyy-MM-dd}");
            Console.WriteLine($"  files: {string.Join(", ", ClaimBundleWriter.FileNames)} (claim.private.key is readable by its owner only)");
            return CommandRunner.Success;
        }, cancellationToken));

        var claim = new Command("claim", "Claim certificates for camera firmware (fleet provisioning by claim)");
        claim.Subcommands.Add(create);
        return claim;
    }
}
