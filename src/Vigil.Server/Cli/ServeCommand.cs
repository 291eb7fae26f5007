using System.CommandLine;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Vigil.Server.Hosting;

namespace Vigil.Server.Cli;

internal static partial class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the Vigil server (HTTP, HTTPS and the device endpoints) until SIGTERM or Ctrl+C");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            WebApplication? app = null;
            try
            {
                var data = DataDirectory.Resolve(parseResult.GetValue(CliOptions.Data));
                app = VigilHost.BuildWebApplication(data);
                await VigilHost.StartAsync(app, cancellationToken);
                var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                Log.Listening(app.Logger, string.Join(", ", addresses), data.Root);
                await app.WaitForShutdownAsync(CancellationToken.None);
                return CommandRunner.Success;
            }
            catch (Exception e) when (CommandRunner.Describe(e) is { } message)
            {
                await Console.Error.WriteLineAsync($"vigil: {message}");
                return CommandRunner.Failure;
            }
            finally
            {
                if (app is not null)
                {
                    await app.DisposeAsync();
                }
            }
        });
        return command;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Vigil is listening on {Addresses} (data directory {DataDirectory})")]
        public static partial void Listening(ILogger logger, string addresses, string dataDirectory);
    }
}
