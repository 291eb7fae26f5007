using System.CommandLine;
using System.Text.Json;

namespace Vigil.Agent;

/// <summary><c>vigil-agent</c>: the camera side of Vigil.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => Create().Parse(args).InvokeAsync();

    private static readonly Option<string> Config = new("--config")
    {
        Description = "agent.json from the claim bundle (vigil claim create)",
        Required = true,
        HelpName = "FILE",
        Recursive = true,
    };

    private static readonly Option<string?> State = new("--state")
    {
        Description = "Where the device key, certificate and thing are kept (default: the directory of agent.json)",
        HelpName = "DIR",
        Recursive = true,
    };

    public static RootCommand Create()
    {
        var root = new RootCommand("Vigil camera agent: provisions the camera by claim (AWS IoT fleet provisioning), keeps its identity, and keeps it connected.");
        root.Options.Add(Config);
        root.Options.Add(State);
        root.Subcommands.Add(CreateProvision());
        root.Subcommands.Add(CreateRun());
        root.Subcommands.Add(CreateStatus());
        return root;
    }

    private static Command CreateProvision()
    {
        var serial = new Option<string?>("--serial") { Description = "This camera's serial number (default: $VIGIL_AGENT_SERIAL)", HelpName = "SERIAL" };
        var parameters = new Option<string[]>("--param") { Description = "Extra template parameter KEY=VALUE (repeatable)", HelpName = "KEY=VALUE", AllowMultipleArgumentsPerToken = false };
        var createKeys = new Option<bool>("--create-keys") { Description = "Let the server generate the key (CreateKeysAndCertificate) instead of sending a CSR; the key then travels once over TLS" };
        var command = new Command("provision", "Get this camera's own certificate with the claim certificate, register it as a thing, and connect with it. Safe to run again: it resumes or just connects.")
        {
            serial, parameters, createKeys,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(async () =>
        {
            var serialNumber = parseResult.GetValue(serial) ?? Environment.GetEnvironmentVariable("VIGIL_AGENT_SERIAL");
            if (string.IsNullOrWhiteSpace(serialNumber))
            {
                throw new AgentException("the serial number is required: --serial SERIAL or VIGIL_AGENT_SERIAL");
            }

            var extra = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parseResult.GetValue(parameters) ?? [])
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new AgentException($"--param {pair}: expected KEY=VALUE");
                }

                extra[pair[..equals]] = pair[(equals + 1)..];
            }

            var (bundle, state) = Open(parseResult);
            var provisioner = new Provisioner(bundle, state, Console.Out, TimeProvider.System)
            {
                Fault = Environment.GetEnvironmentVariable("VIGIL_AGENT_FAULT"),
            };
            var thing = await provisioner.ProvisionAsync(serialNumber, extra, parseResult.GetValue(createKeys), cancellationToken);
            Console.WriteLine($"Provisioned: thing {thing.ThingName}, state in {state.Directory}");
            return AgentExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateRun()
    {
        var command = new Command("run", "Stay connected to Vigil with this camera's own certificate, so that it shows online; reconnect when the connection is lost. Ctrl+C or SIGTERM stops it. Exit code 3: the certificate was refused (revoked).");
        command.SetAction((parseResult, cancellationToken) => RunAsync(async () =>
        {
            var (bundle, state) = Open(parseResult);
            await new DeviceSession(bundle, state, Console.Out, TimeProvider.System).RunAsync(cancellationToken);
            return AgentExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateStatus()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("status", "Show what this camera has: key, pending certificate, thing") { json };
        command.SetAction((parseResult, _) => RunAsync(() =>
        {
            var (_, state) = Open(parseResult);
            var thing = state.LoadThing();
            var pending = state.LoadPending();
            var stage = thing is not null ? "provisioned" : pending is not null ? "certificate-pending-registration" : state.HasKey ? "key-generated" : "not-provisioned";
            if (parseResult.GetValue(json))
            {
                using var output = Console.OpenStandardOutput();
                using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
                writer.WriteStartObject();
                writer.WriteString("stage", stage);
                writer.WriteString("stateDirectory", state.Directory);
                writer.WriteString("thingName", thing?.ThingName);
                writer.WriteString("certificateId", thing?.CertificateId ?? pending?.CertificateId);
                writer.WriteEndObject();
                writer.Flush();
                Console.WriteLine();
            }
            else
            {
                Console.WriteLine(stage switch
                {
                    "provisioned" => $"Provisioned as thing {thing!.ThingName} (certificate {thing.CertificateId}) on {thing.ProvisionedAt:yyyy-MM-dd HH:mm}Z.",
                    "certificate-pending-registration" => $"A certificate ({pending!.CertificateId[..12]}…) was issued at {pending.IssuedAt:yyyy-MM-dd HH:mm}Z but not registered yet; run: vigil-agent provision",
                    "key-generated" => "A device key exists but no certificate yet; run: vigil-agent provision",
                    _ => "Not provisioned; run: vigil-agent provision --config agent.json --serial SERIAL",
                });
            }

            return Task.FromResult(thing is not null ? AgentExitCodes.Success : AgentExitCodes.Failure);
        }));
        return command;
    }

    private static (AgentBundle Bundle, DeviceState State) Open(ParseResult parseResult)
    {
        var bundle = AgentBundle.Load(parseResult.GetValue(Config)!);
        return (bundle, new DeviceState(parseResult.GetValue(State) ?? bundle.Directory));
    }

    private static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (AgentException e)
        {
            await Console.Error.WriteLineAsync($"vigil-agent: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("vigil-agent: cancelled");
            return AgentExitCodes.Failure;
        }
    }
}
