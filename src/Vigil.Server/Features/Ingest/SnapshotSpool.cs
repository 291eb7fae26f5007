using System.Text.Json;
using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Features.Ingest;

/// <summary>
/// The durable queue between "accepted" and "processed" (<c>&lt;data&gt;/spool</c>). A message is
/// written to <c>incoming/</c>, flushed to disk, renamed into <c>ready/</c> and the directory
/// flushed, all before the sender hears 250 / 2xx; so whatever was acknowledged survives a crash
/// or a power loss. An entry leaves <c>ready/</c> only after its event is stored. Entry file:
/// <c>VIGIL-SPOOL 1\n</c>, the envelope as one JSON line, then the message bytes.
/// </summary>
internal sealed partial class SnapshotSpool
{
    private static readonly byte[] Magic = "VIGIL-SPOOL 1\n"u8.ToArray();
    private const int MaxEnvelopeBytes = 16 * 1024;

    private readonly string _incoming;
    private readonly string _ready;
    private readonly string _corrupt;
    private readonly DirectoryFlusher _readyFlusher;
    private readonly ILogger<SnapshotSpool> _logger;

    public SnapshotSpool(DataDirectory data, ILogger<SnapshotSpool> logger)
    {
        var root = data.Subdirectory("spool");
        _incoming = CreatePrivate(Path.Combine(root, "incoming"));
        _ready = CreatePrivate(Path.Combine(root, "ready"));
        _corrupt = CreatePrivate(Path.Combine(root, "corrupt"));
        _readyFlusher = new DirectoryFlusher(_ready);
        _logger = logger;
    }

    public string ReadyDirectory => _ready;

    /// <summary>Writes the entry durably; when this returns the message may be acknowledged.</summary>
    public async Task WriteAsync(SpoolEnvelope envelope, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var name = envelope.Id.ToString("N");
        var header = JsonSerializer.SerializeToUtf8Bytes(envelope, IngestJsonContext.Default.SpoolEnvelope);
        await DurableFile.WriteAsync(
            Path.Combine(_ready, name + ".msg"),
            async (stream, ct) =>
            {
                await stream.WriteAsync(Magic, ct);
                await stream.WriteAsync(header, ct);
                await stream.WriteAsync("\n"u8.ToArray(), ct);
                await stream.WriteAsync(content, ct);
            },
            DurableFile.OwnerOnly,
            overwrite: false,
            cancellationToken,
            stagingDirectory: _incoming,
            preallocate: Magic.Length + header.Length + 1 + content.Length,
            flushDirectory: _readyFlusher.FlushAsync); // one directory fsync shared with the sessions renaming at the same time
    }

    /// <summary>Ids of the entries waiting to be processed, oldest first (ids are time-ordered UUIDv7s).</summary>
    public IReadOnlyList<Guid> Pending() =>
        Directory.EnumerateFiles(_ready, "*.msg")
            .Select(p => Guid.TryParseExact(Path.GetFileNameWithoutExtension(p), "N", out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty)
            .Order()
            .ToList();

    public int Count => Directory.EnumerateFiles(_ready, "*.msg").Count();

    /// <summary>Entries waiting and when the oldest was accepted (its id is a UUIDv7 carrying the time).</summary>
    public SpoolStatistics Statistics()
    {
        var pending = Pending();
        return new SpoolStatistics(pending.Count, pending.Count == 0 ? null : SpoolStatistics.TimeOf(pending[0]));
    }

    /// <summary>Reads an entry; false when it was already completed. A damaged entry throws <see cref="SpoolFormatException"/>.</summary>
    public async Task<SpoolEntry?> ReadAsync(Guid id, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(PathOf(id), cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        return Parse(bytes);
    }

    public static SpoolEntry Parse(byte[] bytes)
    {
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new SpoolFormatException("not a Vigil spool entry");
        }

        var rest = bytes.AsSpan(Magic.Length);
        var end = rest[..Math.Min(rest.Length, MaxEnvelopeBytes)].IndexOf((byte)'\n');
        if (end < 0)
        {
            throw new SpoolFormatException("the envelope line is missing or too long");
        }

        SpoolEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(rest[..end], IngestJsonContext.Default.SpoolEnvelope);
        }
        catch (JsonException e)
        {
            throw new SpoolFormatException("the envelope is not valid JSON", e);
        }

        if (envelope is null || envelope.Id == Guid.Empty || envelope.CameraName is null || envelope.OwnerId == Guid.Empty)
        {
            throw new SpoolFormatException("the envelope lacks its id, camera or owner");
        }

        return new SpoolEntry(envelope, bytes.AsMemory(Magic.Length + end + 1));
    }

    /// <summary>The entry is done (its event is stored): remove it.</summary>
    public void Complete(Guid id) => TryDelete(PathOf(id));

    /// <summary>Moves an entry that cannot be processed aside, for a human to look at.</summary>
    public void Quarantine(Guid id, string reason)
    {
        var source = PathOf(id);
        if (File.Exists(source))
        {
            File.Move(source, Path.Combine(_corrupt, Path.GetFileName(source)), overwrite: true);
            Log.Quarantined(_logger, id, reason);
        }
    }

    /// <summary>Removes half-written files of a previous process (their senders never got a reply).</summary>
    public int DiscardIncomplete()
    {
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(_incoming, "*.tmp"))
        {
            TryDelete(file);
            count++;
        }

        return count;
    }

    private string PathOf(Guid id) => Path.Combine(_ready, id.ToString("N") + ".msg");

    private static string CreatePrivate(string path)
    {
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Already gone, or the disk failed; a leftover entry is replayed and recognised as done.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Error, Message = "Spool entry {SpoolId} cannot be processed and was moved to spool/corrupt: {Reason}")]
        public static partial void Quarantined(ILogger logger, Guid spoolId, string reason);
    }
}
