using System.CommandLine;
using Vigil.Server.Cli;
using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Features.Devices;

/// <summary><c>vigil registry import|list|revoke|labels</c>: the manufacturing registry.</summary>
internal static class RegistryCommands
{
    private const int ProblemsShown = 20;
    private const int LabelProgressEvery = 500;

    public static Command Create()
    {
        var registry = new Command("registry", "The manufacturing registry: which serial numbers the factory made, and their secrets");
        registry.Subcommands.Add(CreateImport());
        registry.Subcommands.Add(CreateList());
        registry.Subcommands.Add(CreateRevoke());
        registry.Subcommands.Add(CreateLabels());
        return registry;
    }

    private static Command CreateImport()
    {
        var file = new Argument<string>("FILE") { Description = "CSV with a header row serial,secret,model, or a JSON array of {serial, secret, model}; - reads standard input" };
        var format = new Option<RegistryFileFormat?>("--format") { Description = "Csv or Json (default: from the file name, else from the content)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the file and report what would change, without importing" };
        var command = new Command("import", "Import devices; all or nothing, and re-importing the same rows is harmless") { file, format, dryRun };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var path = parseResult.GetValue(file)!;
            var content = await ReadAsync(path, ct);
            if (content is null)
            {
                return CommandRunner.Failure;
            }

            var parsed = RegistryFileParser.Parse(content, parseResult.GetValue(format) ?? RegistryFileParser.Detect(path, content));
            if (!parsed.IsValid)
            {
                await ReportAsync($"{path} cannot be imported; nothing was imported", parsed.Problems);
                return CommandRunner.Failure;
            }

            var importer = services.GetRequiredService<RegistryImporter>();
            var result = await importer.ImportAsync(parsed.Rows, Path.GetFileName(path), parseResult.GetValue(dryRun), ct);
            if (result.Conflicts.Count > 0)
            {
                await ReportAsync(
                    $"{result.Conflicts.Count} row(s) conflict with the registry; nothing was imported ({result.Added} would be added, {result.Unchanged} unchanged)",
                    result.Conflicts);
                return CommandRunner.Failure;
            }

            Console.WriteLine(result.Committed
                ? $"Imported {path}: {result.Added} added, {result.Unchanged} unchanged, 0 conflicting (import {result.ImportId})."
                : $"{path}: {result.Added} {(parseResult.GetValue(dryRun) ? "would be added" : "added")}, {result.Unchanged} unchanged, 0 conflicting.");
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateLabels()
    {
        var file = new Argument<string>("FILE") { Description = "The manufacturer's import file (CSV serial,secret,model or JSON), the one given to 'vigil registry import'; - reads standard input" };
        var format = new Option<RegistryFileFormat?>("--format") { Description = "Csv or Json (default: from the file name, else from the content)" };
        var output = new Option<string>("--out") { Description = "Directory for the labels (created if missing): SERIAL.svg and SERIAL.png per camera", Required = true, HelpName = "DIR" };
        var baseUrl = new Option<string?>("--base-url") { Description = "Where users open the web client, in the QR code's bind URL (default: https:// + Server:PublicHost and the HTTPS port)", HelpName = "URL" };
        var command = new Command("labels", "Write a printable label per camera of an import file: model, serial, secret and a QR code of the bind URL (the registry keeps only hashes of secrets, so labels come from the file)") { file, format, output, baseUrl };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var path = parseResult.GetValue(file)!;
            var content = await ReadAsync(path, ct);
            if (content is null)
            {
                return CommandRunner.Failure;
            }

            var parsed = RegistryFileParser.Parse(content, parseResult.GetValue(format) ?? RegistryFileParser.Detect(path, content));
            if (!parsed.IsValid)
            {
                await ReportAsync($"{path} cannot be read; no label was written", parsed.Problems);
                return CommandRunner.Failure;
            }

            var url = parseResult.GetValue(baseUrl) ?? services.GetRequiredService<PublicAddress>().Https;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var parsedUrl) || parsedUrl.Scheme is not ("https" or "http") || parsedUrl.Query.Length > 0)
            {
                return await CommandRunner.FailAsync($"--base-url must be an http(s) URL without a query, not '{DisplayText.Printable(url, 64, "")}'");
            }

            var directory = Path.GetFullPath(parseResult.GetValue(output)!);
            if (File.Exists(directory))
            {
                return await CommandRunner.FailAsync($"{directory} is a file, not a directory");
            }

            Directory.CreateDirectory(directory);
            var cut = new List<string>();
            for (var i = 0; i < parsed.Rows.Count; i++)
            {
                var label = new RegistryLabel(parsed.Rows[i], url);
                // Labels carry secrets: readable by their owner only, like every key Vigil writes.
                DurableFile.Write(Path.Combine(directory, label.Serial + ".svg"), label.ToSvg(), DurableFile.OwnerOnly);
                DurableFile.Write(Path.Combine(directory, label.Serial + ".png"), label.ToPng(), DurableFile.OwnerOnly);
                if (!label.TextFits)
                {
                    cut.Add(label.Serial);
                }

                if ((i + 1) % LabelProgressEvery == 0 && i + 1 < parsed.Rows.Count)
                {
                    await Console.Error.WriteLineAsync($"vigil: {i + 1} of {parsed.Rows.Count} labels written");
                }
            }

            Console.WriteLine($"Wrote {parsed.Rows.Count} label(s) to {directory} (SVG and PNG; readable by their owner only: they hold the secrets).");
            Console.WriteLine($"  bind URL: {RegistryLabel.BindUrlOf(url, "SERIAL", "SECRET")}");
            if (cut.Count > 0)
            {
                Console.WriteLine($"  {cut.Count} label(s) show a shortened serial or secret (the QR code holds it in full): {string.Join(", ", cut.Take(ProblemsShown))}{(cut.Count > ProblemsShown ? ", ..." : "")}");
            }

            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static async Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            if (path == "-")
            {
                using var stdin = Console.OpenStandardInput();
                using var buffer = new MemoryStream();
                await stdin.CopyToAsync(buffer, cancellationToken);
                return buffer.ToArray();
            }

            var info = new FileInfo(path);
            if (info.Exists && info.Length > RegistryFileParser.MaxFileBytes)
            {
                await Console.Error.WriteLineAsync($"vigil: {path} is larger than {RegistryFileParser.MaxFileBytes / (1024 * 1024)} MB; split it");
                return null;
            }

            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"vigil: cannot read {path}: {e.Message}");
            return null;
        }
    }

    private static async Task ReportAsync(string headline, IReadOnlyList<RegistryProblem> problems)
    {
        await Console.Error.WriteLineAsync($"vigil: {headline}:");
        foreach (var problem in problems.Take(ProblemsShown))
        {
            await Console.Error.WriteLineAsync($"  {problem}");
        }

        if (problems.Count > ProblemsShown)
        {
            await Console.Error.WriteLineAsync($"  ... and {problems.Count - ProblemsShown} more");
        }
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List registered devices (never their secrets)") { CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var registry = services.GetRequiredService<ManufacturingRegistry>();
            if (parseResult.GetValue(CliOptions.Json))
            {
                await CliOutput.WriteJsonAsync(async writer =>
                {
                    writer.WriteStartArray();
                    await foreach (var entry in registry.ListAsync().WithCancellation(ct))
                    {
                        writer.WriteStartObject();
                        writer.WriteString("serial", entry.Serial);
                        writer.WriteString("model", entry.Model);
                        writer.WriteString("createdAt", entry.CreatedAt);
                        if (entry.RevokedAt is { } revoked)
                        {
                            writer.WriteString("revokedAt", revoked);
                        }
                        else
                        {
                            writer.WriteNull("revokedAt");
                        }

                        writer.WriteString("importId", entry.ImportId);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }, ct);
                return CommandRunner.Success;
            }

            var table = new TextTable("SERIAL", "MODEL", "CREATED", "STATUS");
            await foreach (var entry in registry.ListAsync().WithCancellation(ct))
            {
                table.Add(entry.Serial, entry.Model, entry.CreatedAt.ToString("yyyy-MM-dd HH:mm"), entry.RevokedAt is { } r ? $"revoked {r:yyyy-MM-dd}" : "active");
            }

            Console.Write(table.Count == 0 ? "No devices registered; import some with: vigil registry import FILE\n" : table.ToString());
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRevoke()
    {
        var serial = new Argument<string>("SERIAL") { Description = "The serial number to revoke" };
        var command = new Command("revoke", "Revoke a serial number: it can no longer be provisioned or bound") { serial };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var value = parseResult.GetValue(serial)!;
            var outcome = await services.GetRequiredService<ManufacturingRegistry>().RevokeAsync(value, ct);
            switch (outcome)
            {
                case RevokeOutcome.Revoked:
                    Console.WriteLine($"Revoked {value}.");
                    return CommandRunner.Success;
                case RevokeOutcome.AlreadyRevoked:
                    Console.WriteLine($"{value} was already revoked.");
                    return CommandRunner.Success;
                default:
                    await Console.Error.WriteLineAsync($"vigil: no registered device has serial {DisplayText.Printable(value)}");
                    return CommandRunner.Failure;
            }
        }, cancellationToken));
        return command;
    }
}
