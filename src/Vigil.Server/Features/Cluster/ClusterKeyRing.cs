using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Devices;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// The Data Protection key ring of a cluster, in PostgreSQL (table <c>KeyRing</c>), so that every node has every key:
/// a key one node makes when the ring rotates (every 90 days, two days before the old one expires) reaches the others
/// at their next read of the ring (at most a day later, well before it is used), and what a node protects with it
/// (cookies, anti-forgery tokens, access-key and webhook secrets) the others can read. A copied file ring could not do
/// that: each node would rotate alone.
/// Each entry is sealed with AES-GCM under a key derived (HKDF-SHA256) from the cluster's device-secret key file, which
/// every node has (<c>vigil cluster import-keys</c>) and the database has not. On a node's first read, keys of its own
/// file ring that the database lacks are added (a single node becoming a cluster keeps reading what it protected).
/// </summary>
internal sealed partial class ClusterKeyRing(IServiceScopeFactory scopes, DataDirectory data, DirectoryInfo fileRing, TimeProvider time, ILogger<ClusterKeyRing> logger) : IXmlRepository
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Info = "vigil/cluster-key-ring/v1"u8.ToArray();
    private readonly Lock _gate = new();
    private byte[]? _key;
    private bool _merged;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_gate)
        {
            MergeFileRingOnce();
            return OpenAll(ReadAll());
        }
    }

    private List<KeyRingEntry> ReadAll()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        return [.. db.KeyRing.AsNoTracking().AsEnumerable().OrderBy(e => e.StoredAt).ThenBy(e => e.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Every entry that opens. None opening (of one or more) means this node's key is not the cluster's: refused, with one
    /// line. Some not opening means damaged rows: skipped and logged, so one bad row does not stop every node.
    /// </summary>
    private List<XElement> OpenAll(List<KeyRingEntry> entries)
    {
        var opened = new List<XElement>(entries.Count);
        StartupException? refusal = null;
        foreach (var entry in entries)
        {
            try
            {
                opened.Add(Open(entry.Name, entry.Sealed));
            }
            catch (StartupException e)
            {
                refusal ??= e;
                Log.EntryUnreadable(logger, entry.Name, "it does not open with this node's device-secret key");
            }
            catch (Exception e) when (e is CryptographicException or FormatException or System.Xml.XmlException)
            {
                Log.EntryUnreadable(logger, entry.Name, e.Message);
            }
        }

        if (opened.Count == 0 && refusal is not null)
        {
            throw refusal;
        }

        return opened;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_gate)
        {
            MergeFileRingOnce();
            Insert(friendlyName, element);
        }
    }

    /// <summary>Encrypts <paramref name="element"/> for the table; the name is authenticated with it, so entries cannot be swapped.</summary>
    internal string Seal(string name, XElement element)
    {
        var plain = Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(name));
        CryptographicOperations.ZeroMemory(plain);
        return Convert.ToBase64String(sealedBytes);
    }

    internal XElement Open(string name, string sealedText)
    {
        var sealedBytes = Convert.FromBase64String(sealedText);
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException($"the cluster key ring's entry {name} is damaged ({sealedBytes.Length} bytes)");
        }

        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(Key, TagSize);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(name));
        }
        catch (AuthenticationTagMismatchException e)
        {
            // Read at start (before the fingerprint check) by whatever first protects something: refuse as that check would.
            throw new StartupException(
                $"this node's keys differ from the cluster's ({ClusterKeys.Describe("device-secrets")}); the cluster's key ring in the database (entry {name}) does not open with it; copy them from a node of the cluster with 'vigil cluster export-keys' there and 'vigil cluster import-keys --replace' here (docs/scale-out.md)",
                e);
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private byte[] Key => _key ??= DeriveKey();

    private byte[] DeriveKey()
    {
        var path = data.PathOf("keys", DeviceSecretHasher.KeyFile);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"the cluster key ring needs the cluster's device-secret key ({path}); run 'vigil cluster import-keys' first (docs/scale-out.md)");
        }

        var secret = Convert.FromBase64String(File.ReadAllText(path).Trim());
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: [], info: Info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private void MergeFileRingOnce()
    {
        if (_merged)
        {
            return;
        }

        // First the cluster's entries must open with this node's key: a node with other keys (refused by the fingerprint
        // check a moment later) must not leave keys sealed under its own key in the cluster's table.
        var existing = ReadAll();
        OpenAll(existing);
        var present = existing.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var local = new DurableXmlRepository(fileRing);
        foreach (var (name, element) in local.GetAllNamedElements())
        {
            if (!present.Contains(name))
            {
                Insert(name, element);
            }
        }

        _merged = true;
    }

    private void Insert(string name, XElement element)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        db.KeyRing.Add(new KeyRingEntry { Name = name, Sealed = Seal(name, element), StoredAt = time.GetUtcNow() });
        try
        {
            db.SaveChanges();
        }
        catch (DbUpdateException) when (Exists(name))
        {
            // Another node added the same key of a shared file ring at the same moment: it is there, as wanted.
        }
    }

    private bool Exists(string name)
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetRequiredService<VigilDbContext>().KeyRing.Any(e => e.Name == name);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9520, Level = LogLevel.Error, Message = "Cluster key ring: entry {Name} is skipped ({Reason}); what it protected cannot be read until it is restored")]
        public static partial void EntryUnreadable(ILogger logger, string name, string reason);
    }
}
