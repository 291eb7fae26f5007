using System.CommandLine;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Events;
using Vigil.Server.Features.Identity;
using Vigil.Server.Features.Integrations;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Features.Pki;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Storage;

namespace Vigil.Server.Cli;

/// <summary>The <c>vigil</c> command line: every command and the options they share.</summary>
internal static class VigilCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Vigil: self-hosted video surveillance that speaks the AWS KVS WebRTC and IoT protocols.");
        root.Options.Add(CliOptions.Data);
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(RegistryCommands.Create());
        root.Subcommands.Add(ClaimCommands.Create());
        root.Subcommands.Add(CaCommands.Create());
        root.Subcommands.Add(DbCommands.Create());
        root.Subcommands.Add(ThingCommands.Create());
        root.Subcommands.Add(KeyCommands.Create());
        root.Subcommands.Add(CameraCommands.Create());
        root.Subcommands.Add(EventCommands.Create());
        root.Subcommands.Add(RuleCommands.Create());
        root.Subcommands.Add(RuleCommands.CreateNotifications());
        root.Subcommands.Add(UserCommands.Create());
        root.Subcommands.Add(IntegrationCommands.Create());
        root.Subcommands.Add(ClusterCommands.Create());
        return root;
    }

    public static Task<int> RunAsync(string[] args)
    {
        // `serve` leaves SIGINT/SIGTERM to the host, which stops gracefully within
        // Server:ShutdownTimeout; other commands are short and transactional.
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return Create().Parse(args).InvokeAsync(configuration);
    }
}
