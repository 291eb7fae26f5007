using System.Runtime.InteropServices;

namespace Vigil.Shared;

/// <summary>
/// The one way Vigil writes keys and state (compiled into the server and the agent, see their
/// .csproj): write a temporary file in the same directory with its final Unix mode, fsync it,
/// rename it over the target, fsync the directory. Readers see the old file or the whole new one,
/// and when a write returns, a power loss keeps it: flushing a file does not persist its
/// directory entry (POSIX; ext4 and xfs lose a fresh rename without the directory's fsync).
/// .NET cannot open a directory to flush it (<c>File.OpenHandle</c> refuses with
/// UnauthorizedAccessException), hence <c>open(O_DIRECTORY)</c> + <c>fsync</c> through libc.
/// </summary>
internal static class DurableFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode WorldReadable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public const UnixFileMode PrivateDirectory = OwnerOnly | UnixFileMode.UserExecute;

    /// <summary>Replaces (or, without <paramref name="overwrite"/>, creates) <paramref name="path"/>; an existing file without overwrite is an <see cref="IOException"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> contents, UnixFileMode mode, bool overwrite = true)
    {
        var temporary = TemporaryPathFor(path, null);
        try
        {
            using (var stream = new FileStream(temporary, NewFile(mode, contents.Length)))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite);
            FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public static void Write(string path, string contents, UnixFileMode mode, bool overwrite = true) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(contents), mode, overwrite);

    /// <summary>
    /// As <see cref="Write(string, ReadOnlySpan{byte}, UnixFileMode, bool)"/> for content produced
    /// by <paramref name="write"/> (a large message, a download). The temporary file is made in
    /// <paramref name="stagingDirectory"/> when given (same file system), else beside the target;
    /// if <paramref name="write"/> throws, nothing is left behind. <paramref name="flushDirectory"/>
    /// replaces the directory's fsync when many writers share one (the spool's DirectoryFlusher).
    /// </summary>
    public static async Task WriteAsync(
        string path,
        Func<FileStream, CancellationToken, Task> write,
        UnixFileMode mode,
        bool overwrite,
        CancellationToken cancellationToken,
        string? stagingDirectory = null,
        long preallocate = 0,
        Func<Task>? flushDirectory = null)
    {
        var temporary = TemporaryPathFor(path, stagingDirectory);
        try
        {
            await using (var stream = new FileStream(temporary, NewFile(mode, preallocate)))
            {
                await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite);
            if (flushDirectory is not null)
            {
                await flushDirectory();
            }
            else
            {
                FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// fsync(2) on a directory, so the files created, renamed or deleted in it stay that way after
    /// a power loss. A file system that cannot sync directories (EINVAL: some FUSE and network
    /// file systems) is left as it is: renames there are still atomic, which is all it offers.
    /// </summary>
    public static void FlushDirectory(string directory)
    {
        var fd = Native.Open(directory);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {directory} to flush it ({Native.LastError()})");
        }

        try
        {
            if (Native.Fsync(fd) != 0 && Marshal.GetLastPInvokeError() != Native.EINVAL)
            {
                throw new IOException($"fsync of directory {directory} failed ({Native.LastError()})");
            }
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private static string TemporaryPathFor(string path, string? stagingDirectory)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(stagingDirectory ?? Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    private static FileStreamOptions NewFile(UnixFileMode mode, long preallocate) => new()
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.None,
        UnixCreateMode = mode,
        PreallocationSize = preallocate,
    };

    private static class Native
    {
        public const int EINVAL = 22;

        // O_RDONLY | O_DIRECTORY | O_CLOEXEC; O_DIRECTORY's value differs between Linux's
        // architectures (asm-generic vs arm) and macOS.
        private static readonly int DirectoryFlags = (OperatingSystem.IsMacOS() ? 0x100000 : RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000)
            | (OperatingSystem.IsMacOS() ? 0x1000000 : 0x80000);

        public static int Open(string path) => NativeOpen(System.Text.Encoding.UTF8.GetBytes(path + "\0"), DirectoryFlags);

        public static string LastError() => $"errno {Marshal.GetLastPInvokeError()}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";

        // DllImport rather than LibraryImport: the source-generated stubs need unsafe code enabled
        // for the whole project, for three trivial blittable calls.
#pragma warning disable SYSLIB1054
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int NativeOpen(byte[] path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int fd);
#pragma warning restore SYSLIB1054
    }
}
