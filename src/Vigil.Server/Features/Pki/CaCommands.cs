using System.CommandLine;
using Vigil.Server.Cli;

namespace Vigil.Server.Features.Pki;

/// <summary><c>vigil ca export</c>.</summary>
internal static class CaCommands
{
    public static Command Create()
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
}
