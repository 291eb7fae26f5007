using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.Contracts.Agent;

namespace Vigil.Agent;

/// <summary><c>agent.json</c> and the files beside it (claim certificate and key, root CA), as written by <c>vigil claim create</c>.</summary>
internal sealed class AgentBundle
{
    private AgentBundle(string directory, AgentConfiguration configuration)
    {
        Directory = directory;
        Configuration = configuration;
    }

    public string Directory { get; }

    public AgentConfiguration Configuration { get; }

    public static AgentBundle Load(string configPath)
    {
        var path = Path.GetFullPath(configPath);
        if (!File.Exists(path))
        {
            throw new AgentException($"{path} does not exist (it is written by: vigil claim create --out DIR)");
        }

        AgentConfiguration? configuration;
        try
        {
            configuration = JsonSerializer.Deserialize(File.ReadAllBytes(path), AgentJsonContext.Default.AgentConfiguration);
        }
        catch (JsonException e)
        {
            throw new AgentException($"{path} is not a valid agent.json: {e.Message}");
        }

        if (configuration is null)
        {
            throw new AgentException($"{path} is empty");
        }

        if (configuration.Version != AgentConfiguration.CurrentVersion)
        {
            throw new AgentException($"{path} has version {configuration.Version}; this agent reads version {AgentConfiguration.CurrentVersion}");
        }

        return new AgentBundle(Path.GetDirectoryName(path)!, configuration);
    }

    public string PathOf(string file) => Path.IsPathRooted(file) ? file : Path.Combine(Directory, file);

    public X509Certificate2 LoadClaimCertificate()
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(PathOf(Configuration.ClaimCertificateFile), PathOf(Configuration.ClaimPrivateKeyFile));
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new AgentException($"cannot read the claim certificate and key ({Configuration.ClaimCertificateFile}, {Configuration.ClaimPrivateKeyFile}): {e.Message}");
        }
    }

    public X509Certificate2 LoadRootCertificate()
    {
        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(PathOf(Configuration.RootCaFile)));
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new AgentException($"cannot read the root CA {Configuration.RootCaFile}: {e.Message}");
        }
    }
}
