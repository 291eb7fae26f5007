using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Features.Events;

/// <summary>
/// Event pictures on disk: <c>&lt;data&gt;/events/&lt;yyyy-MM-dd&gt;/&lt;event key&gt;/</c> holds
/// <c>0.jpg</c>, <c>0.thumb.jpg</c>, <c>0.annotated.jpg</c>, ... Files are flushed before the event
/// row is committed, so a stored event never points at a missing file; a crash before the commit
/// leaves files that the replayed entry overwrites. The annotated copy is written later, when it is
/// first asked for (<see cref="AnnotatedPictureCache"/>); it lives in the same directory, so
/// deleting the event deletes it too.
/// </summary>
internal sealed class PictureStore(DataDirectory data)
{
    public string Root { get; } = data.Subdirectory("events");

    public string DirectoryFor(Guid key, DateTimeOffset occurredAt) =>
        Path.Combine(occurredAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), key.ToString("N"));

    /// <summary>
    /// Writes a file under the event's directory; returns its path relative to <see cref="Root"/>.
    /// <paramref name="durable"/> flushes it to disk: the original picture is, because only the
    /// spool entry (deleted once the event is stored) could bring it back; thumbnails are not,
    /// as they can be made again from the original.
    /// </summary>
    public async Task<string> WriteAsync(string eventDirectory, string fileName, ReadOnlyMemory<byte> bytes, bool durable, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Root, eventDirectory);
        var day = Path.GetDirectoryName(directory)!;
        if (!Directory.Exists(day))
        {
            Directory.CreateDirectory(day, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            DurableFile.FlushDirectory(Root);
        }

        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var relative = Path.Combine(eventDirectory, fileName);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = DurableFile.OwnerOnly };
        await using (var stream = new FileStream(Path.Combine(Root, relative), options))
        {
            await stream.WriteAsync(bytes, cancellationToken);
            if (durable)
            {
                stream.Flush(flushToDisk: true);
            }
        }

        return relative;
    }

    /// <summary>The absolute path of a stored file, or null if the relative path would leave the events directory.</summary>
    public string? Resolve(string relative)
    {
        var full = Path.GetFullPath(Path.Combine(Root, relative));
        return full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    public void DeleteEvent(string anyRelativePathInIt)
    {
        if (Resolve(anyRelativePathInIt) is not { } file || Path.GetDirectoryName(file) is not { } directory || directory == Root)
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
            var day = Path.GetDirectoryName(directory)!;
            if (day != Root && !Directory.EnumerateFileSystemEntries(day).Any())
            {
                Directory.Delete(day);
            }
        }
        catch (IOException)
        {
            // Already gone or busy; retention tries again next time the day directory is empty.
        }
    }
}
