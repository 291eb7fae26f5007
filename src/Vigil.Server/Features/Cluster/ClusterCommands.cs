using System.CommandLine;
using Vigil.Server.Cli;
using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// <c>vigil cluster export-keys</c> and <c>import-keys</c>: the checked step that gives a new node the cluster's keys
/// (docs/scale-out.md). The passphrase is read from standard input (one line), never from the command line.
/// </summary>
internal static class ClusterCommands
{
    private static readonly string[] ServerCertificateFiles = ["pki/server.pem", "pki/server.key"];

    public static Command Create()
    {
        var exportOut = new Option<string>("--out") { Description = "The bundle to write (mode 0600; an existing file is not overwritten)", HelpName = "FILE", Required = true };
        var export = new Command("export-keys", "Write this node's shared keys (CA, device-secret key, OIDC keys, Data Protection key ring, webhook key) to a bundle encrypted with a passphrase read from standard input");
        export.Options.Add(exportOut);
        export.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var path = Path.GetFullPath(parseResult.GetValue(exportOut)!);
            if (File.Exists(path))
            {
                return await CommandRunner.FailAsync($"{path} exists; choose another --out");
            }

            var passphrase = await ReadPassphraseAsync(ct);
            if (passphrase is null)
            {
                return await CommandRunner.FailAsync($"give a passphrase of at least {ClusterKeyBundle.MinimumPassphraseLength} characters on standard input (one line)");
            }

            var data = services.GetRequiredService<DataDirectory>();
            // The ring's first key exists once anything was protected; the fingerprints make sure of it.
            services.GetRequiredService<ClusterKeys>().Compute();
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var file in ClusterKeys.Files.Concat(Directory.EnumerateFiles(data.PathOf(ClusterKeys.DataProtectionDirectory), "*.xml").Select(f => Path.GetRelativePath(data.Root, f))))
            {
                files[file.Replace('\\', '/')] = await File.ReadAllBytesAsync(data.PathOf(file), ct);
            }

            DurableFile.Write(path, System.Text.Encoding.UTF8.GetBytes(ClusterKeyBundle.Seal(files, passphrase)), DurableFile.OwnerOnly);
            Console.WriteLine($"wrote {files.Count} key files to {path}; on the new node run: vigil --data DIR cluster import-keys {Path.GetFileName(path)}");
            return CommandRunner.Success;
        }, cancellationToken));

        var bundleArgument = new Argument<string>("bundle") { Description = "A bundle written by export-keys" };
        var replace = new Option<bool>("--replace") { Description = "Replace keys this data directory already has (they are moved to keys-replaced-<time>/ first)" };
        var import = new Command("import-keys", "Put a cluster's keys (from export-keys) into this data directory, before its first start as a cluster node; the passphrase is read from standard input");
        import.Arguments.Add(bundleArgument);
        import.Options.Add(replace);
        // Not through CommandRunner: that prepares the data directory, which would create keys of its own first.
        import.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                var data = DataDirectory.Resolve(parseResult.GetValue(CliOptions.Data));
                data.EnsureUsable();
                return await ImportAsync(data, parseResult.GetValue(bundleArgument)!, parseResult.GetValue(replace), cancellationToken);
            }
            catch (Exception e) when (CommandRunner.Describe(e) is { } message)
            {
                return await CommandRunner.FailAsync(message);
            }
        });

        var cluster = new Command("cluster", "Cluster mode: several nodes on one PostgreSQL database and Redis (docs/scale-out.md)");
        cluster.Subcommands.Add(export);
        cluster.Subcommands.Add(import);
        return cluster;
    }

    private static async Task<int> ImportAsync(DataDirectory data, string bundlePath, bool replace, CancellationToken cancellationToken)
    {
        if (!File.Exists(bundlePath))
        {
            return await CommandRunner.FailAsync($"{Path.GetFullPath(bundlePath)} does not exist");
        }

        var passphrase = await ReadPassphraseAsync(cancellationToken);
        if (passphrase is null)
        {
            return await CommandRunner.FailAsync($"give the bundle's passphrase on standard input (one line, at least {ClusterKeyBundle.MinimumPassphraseLength} characters)");
        }

        var files = ClusterKeyBundle.TryOpen(await File.ReadAllTextAsync(bundlePath, cancellationToken), passphrase, out var reason);
        if (files is null)
        {
            return await CommandRunner.FailAsync($"{bundlePath}: {reason}; nothing was imported");
        }

        // Only the files a bundle may hold: a crafted bundle cannot write anywhere else.
        var allowed = ClusterKeys.Files.Select(f => f.Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
        var dataProtectionPrefix = ClusterKeys.DataProtectionDirectory.Replace('\\', '/') + "/";
        var refused = files.Keys.Where(f => !allowed.Contains(f) && !(f.StartsWith(dataProtectionPrefix, StringComparison.Ordinal)
            && f.EndsWith(".xml", StringComparison.Ordinal) && f.Count(c => c == '/') == 2 && !f.Contains("..", StringComparison.Ordinal))).ToList();
        if (refused.Count > 0 || ClusterKeys.Files.Any(f => !files.ContainsKey(f.Replace('\\', '/'))))
        {
            return await CommandRunner.FailAsync($"{bundlePath} is not a complete key bundle (unexpected: {string.Join(", ", refused)}); nothing was imported");
        }

        var conflicting = files.Where(f => File.Exists(data.PathOf(f.Key)) && !File.ReadAllBytes(data.PathOf(f.Key)).AsSpan().SequenceEqual(f.Value)).Select(f => f.Key).ToList();
        var strayRing = Directory.Exists(data.PathOf(ClusterKeys.DataProtectionDirectory))
            ? Directory.EnumerateFiles(data.PathOf(ClusterKeys.DataProtectionDirectory), "*.xml").Select(f => Path.GetRelativePath(data.Root, f).Replace('\\', '/')).Where(f => !files.ContainsKey(f)).ToList()
            : [];
        if ((conflicting.Count > 0 || strayRing.Count > 0) && !replace)
        {
            return await CommandRunner.FailAsync($"{data.Root} already has other keys ({string.Join(", ", conflicting.Concat(strayRing))}); add --replace to move them aside and import the cluster's");
        }

        if (conflicting.Any(f => f.StartsWith("pki/", StringComparison.Ordinal)))
        {
            // The server certificate was issued by the CA being replaced: a new one is issued at the next start.
            conflicting.AddRange(ServerCertificateFiles.Where(f => File.Exists(data.PathOf(f))));
        }

        if (conflicting.Count > 0 || strayRing.Count > 0)
        {
            var aside = data.PathOf($"keys-replaced-{TimeProvider.System.GetUtcNow():yyyyMMddHHmmss}");
            foreach (var file in conflicting.Concat(strayRing))
            {
                var target = Path.Combine(aside, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                File.Move(data.PathOf(file), target);
            }

            Console.WriteLine($"moved {conflicting.Count + strayRing.Count} replaced key files to {aside}");
        }

        foreach (var (file, bytes) in files)
        {
            var path = data.PathOf(file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            DurableFile.Write(path, bytes, file.EndsWith(".pem", StringComparison.Ordinal) ? DurableFile.WorldReadable : DurableFile.OwnerOnly);
        }

        Console.WriteLine($"imported {files.Count} key files into {data.Root}; start this node with Cluster:Redis and the cluster's Storage settings");
        return CommandRunner.Success;
    }

    private static async Task<string?> ReadPassphraseAsync(CancellationToken cancellationToken)
    {
        var line = await Console.In.ReadLineAsync(cancellationToken);
        return line is { Length: >= ClusterKeyBundle.MinimumPassphraseLength } ? line : null;
    }
}
