using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Vigil.Shared;

namespace Vigil.Server.Hosting;

/// <summary>
/// The Data Protection key ring on disk, written like every other key (<see cref="DurableFile"/>:
/// mode 0600 whatever the umask, fsync'd, renamed, directory fsync'd). ASP.NET Core's
/// <c>FileSystemXmlRepository</c> writes with the process umask and never fsyncs, so a power cut
/// right after a new key was made could lose the key that already protected session tokens and
/// access-key secrets. Same layout as that repository (<c>key-&lt;id&gt;.xml</c>), so a key ring
/// it wrote is read as it is.
/// </summary>
internal sealed class DurableXmlRepository(DirectoryInfo directory) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => [.. GetAllNamedElements().Select(e => e.Element)];

    /// <summary>Each element with the name it was stored under (its file name without <c>.xml</c>).</summary>
    public IReadOnlyList<(string Name, XElement Element)> GetAllNamedElements()
    {
        // Not directory.Exists: DirectoryInfo caches it from its first look, and the directory is
        // made after that (KeyDirectoryInitializer, or the first key), so the ring would read as
        // empty for the rest of the process.
        if (!Directory.Exists(directory.FullName))
        {
            return [];
        }

        return [.. new DirectoryInfo(directory.FullName).EnumerateFiles("*.xml").OrderBy(f => f.Name, StringComparer.Ordinal).Select(f =>
        {
            using var stream = f.OpenRead();
            return (Path.GetFileNameWithoutExtension(f.Name), XElement.Load(stream));
        })];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        if (!IsSafeName(friendlyName))
        {
            friendlyName = Guid.NewGuid().ToString("D");
        }

        if (!Directory.Exists(directory.FullName))
        {
            Directory.CreateDirectory(directory.FullName, DurableFile.PrivateDirectory);
        }

        using var buffer = new MemoryStream();
        element.Save(buffer);
        DurableFile.Write(Path.Combine(directory.FullName, friendlyName + ".xml"), buffer.GetBuffer().AsSpan(0, (int)buffer.Length), DurableFile.OwnerOnly, overwrite: false);
    }

    /// <summary>As FileSystemXmlRepository: letters, digits, '-' and '_' only, so a name cannot leave the directory.</summary>
    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
