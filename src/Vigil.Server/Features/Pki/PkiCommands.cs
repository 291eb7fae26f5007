using System.CommandLine;
using Vigil.Server.Cli;

namespace Vigil.Server.Features.Pki;

/// <summary><c>vigil ca export</c> and <c>vigil claim create</c>.</summary>
internal static class PkiCommands
{
    public static Command CreateCa()
    {
        var export = new Command("export", "Print the root CA certificate (PEM), for clients that must trust this server");
        export.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, (services, _) =>
        {
            Console.Write(services.GetRequiredService<CertificateAuthority>().CertificatePem + "\n");
            return Task.FromResult(CommandRunner.Success);
        }, cancellationToken));

        var ca = new Command("ca", "Vigil's certificate authority");
        ca.Subcommands.Add(export);
        return ca;
    }

    public static Command CreateClaim()
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
