using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.Shared;

namespace Vigil.Agent;

/// <summary>
/// What the camera keeps between runs, in its state directory (default: beside agent.json). Each
/// step's result is written atomically before the next step starts, so an interruption anywhere
/// resumes at the right step: the generated key before the CSR is sent, the certificate and its
/// ownership token before RegisterThing, the thing after it.
/// </summary>
internal sealed class DeviceState(string directory)
{
    public const string KeyFile = "device.private.key";
    public const string CertificateFile = "device.cert.pem";
    public const string PendingFile = "pending-registration.json";
    public const string ThingFile = "thing.json";

    public string Directory { get; } = Path.GetFullPath(directory);

    private string PathOf(string file) => Path.Combine(Directory, file);

    public void EnsureDirectory()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public bool HasKey => File.Exists(PathOf(KeyFile));

    public ECDsa? LoadKey()
    {
        if (!HasKey)
        {
            return null;
        }

        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(PathOf(KeyFile)));
        return key;
    }

    /// <summary>Saves the private key (0600). Generated keys never leave the device; CreateKeysAndCertificate keys arrive once and are kept only here.</summary>
    public void SaveKey(string pem) => DurableFile.Write(PathOf(KeyFile), pem, DurableFile.OwnerOnly);

    public PendingRegistration? LoadPending() => Read(PendingFile, AgentStateJsonContext.Default.PendingRegistration);

    public void SavePending(PendingRegistration pending) =>
        DurableFile.Write(PathOf(PendingFile), JsonSerializer.Serialize(pending, AgentStateJsonContext.Default.PendingRegistration), DurableFile.OwnerOnly);

    public void DiscardPending() => File.Delete(PathOf(PendingFile));

    public ProvisionedThing? LoadThing() => File.Exists(PathOf(CertificateFile)) ? Read(ThingFile, AgentStateJsonContext.Default.ProvisionedThing) : null;

    /// <summary>Certificate first, then the thing record that says provisioning is complete, then the pending file goes.</summary>
    public void SaveProvisioned(string certificatePem, ProvisionedThing thing)
    {
        DurableFile.Write(PathOf(CertificateFile), certificatePem, DurableFile.WorldReadable);
        DurableFile.Write(PathOf(ThingFile), JsonSerializer.Serialize(thing, AgentStateJsonContext.Default.ProvisionedThing), DurableFile.WorldReadable);
        DiscardPending();
    }

    public X509Certificate2 LoadDeviceCertificate() => X509Certificate2.CreateFromPemFile(PathOf(CertificateFile), PathOf(KeyFile));

    private T? Read<T>(string file, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        var path = PathOf(file);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), type);
        }
        catch (JsonException e)
        {
            throw new AgentException($"{path} is damaged ({e.Message}); delete it to start that step again");
        }
    }
}
