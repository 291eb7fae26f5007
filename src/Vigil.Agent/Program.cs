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
        var source = new Option<string?>("--source") { Description = "What to stream: testsrc (default), file:PATH, rtsp://[user:password@]host/path, v4l2:/dev/videoN, or none (source in agent.json)", HelpName = "SOURCE" };
        var width = new Option<int?>("--width") { Description = "Picture width of testsrc and v4l2 (default 1280)", HelpName = "PIXELS" };
        var height = new Option<int?>("--height") { Description = "Picture height of testsrc and v4l2 (default 720)", HelpName = "PIXELS" };
        var fps = new Option<int?>("--fps") { Description = "Frame rate of testsrc, v4l2 and raw .h264 files (default 30)", HelpName = "N" };
        var bitrate = new Option<int?>("--bitrate") { Description = "Bitrate of testsrc and v4l2 in kbit/s (default 2000)", HelpName = "KBPS" };
        var gopCache = new Option<int?>("--gop-cache") { Description = "Memory for the current group of pictures, MiB (default 8)", HelpName = "MIB" };
        var maxViewers = new Option<int?>("--max-viewers") { Description = "Viewers served at once (default 10)", HelpName = "N" };
        var stall = new Option<double?>("--stall-timeout") { Description = "Restart a source that sent no frame for this many seconds (default 10)", HelpName = "SECONDS" };
        var bind = new Option<string[]>("--bind") { Description = "Local address for WebRTC (repeatable; default: every usable address)", HelpName = "ADDRESS", AllowMultipleArgumentsPerToken = false };
        var relayOnly = new Option<bool>("--relay-only") { Description = "Offer viewers only TURN-relayed candidates (hides this camera's addresses)" };
        var verbose = new Option<bool>("--verbose") { Description = "Log debug messages too (ffmpeg's, WebRTC's)" };
        var command = new Command("run", "Stay connected to Vigil with this camera's own certificate, so that it shows online, and stream live video to every viewer (signaling master, WebRTC). Reconnects when the connection is lost. Ctrl+C or SIGTERM stops it. Exit code 3: the certificate was refused (revoked).")
        {
            source, width, height, fps, bitrate, gopCache, maxViewers, stall, bind, relayOnly, verbose,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(async () =>
        {
            var (bundle, state) = Open(parseResult);
            var settings = StreamSettings.Resolve(bundle, new StreamSettings.Overrides(
                parseResult.GetValue(source), parseResult.GetValue(width), parseResult.GetValue(height), parseResult.GetValue(fps), parseResult.GetValue(bitrate),
                parseResult.GetValue(gopCache), parseResult.GetValue(maxViewers), parseResult.GetValue(stall), parseResult.GetValue(bind), parseResult.GetValue(relayOnly)));
            var thing = state.LoadThing() ?? throw new AgentException(DeviceSession.NotProvisioned);
            using var loggers = new AgentLogging(Console.Out, parseResult.GetValue(verbose));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var online = new DeviceSession(bundle, state, Console.Out, TimeProvider.System).RunAsync(stop.Token);
            var streaming = settings.Source.Kind == Media.SourceKind.None
                ? Task.CompletedTask
                : new StreamingService(bundle, state, thing, settings, loggers, TimeProvider.System).RunAsync(stop.Token);
            try
            {
                await online;
            }
            finally
            {
                // Stopped, or the certificate was refused: the stream goes too.
                await stop.CancelAsync();
                await streaming;
            }

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
