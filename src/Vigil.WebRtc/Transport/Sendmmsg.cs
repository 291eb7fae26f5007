using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Vigil.WebRtc.Transport;

/// Linux sendmmsg(2): several datagrams in one system call. The structs mirror the C ones of
/// &lt;sys/socket.h&gt; and &lt;sys/uio.h&gt; with pointer-sized fields, so sequential layout gives
/// the same offsets on 64-bit (mmsghdr is 64 bytes) and 32-bit (32 bytes) targets. musl declares
/// msg_iovlen/msg_controllen as int plus padding on 64-bit; on little-endian targets a zeroed
/// pointer-sized field writes the same bytes.
internal static class Sendmmsg
{
    /// errno values (Linux, all architectures).
    public const int Eintr = 4;
    public const int Enosys = 38;

    /// Linux UIO_MAXIOV: the kernel sends at most this many messages per call (it silently caps
    /// vlen); we never ask for more.
    public const int MaxMessagesPerCall = 1024;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public nint Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public nint Name;
        public uint NameLength;
        public nint Vector;
        public nuint VectorLength;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Message
    {
        public MessageHeader Header;

        /// Bytes sent for this message, written by the kernel.
        public uint Length;
    }

    /// Returns the number of messages sent (possibly fewer than <paramref name="count"/>), or -1
    /// with errno in <see cref="Marshal.GetLastPInvokeError"/>. The SafeHandle keeps the socket
    /// from being closed and its descriptor reused while the call runs.
    public static int Send(SafeSocketHandle socket, nint messages, int count) =>
        NativeSendmmsg(socket, messages, (uint)count, 0);

    // DllImport rather than LibraryImport, as in the shared DurableFile (src/Shared): the source-generated
    // stubs need AllowUnsafeBlocks for the whole project, and Vigil.WebRtc, which parses untrusted
    // packets, keeps unsafe code off. The signature is blittable apart from the SafeHandle, which
    // the runtime marshals with AddRef/Release; the buffers are pinned arrays (see UdpBatch).
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NativeSendmmsg(SafeSocketHandle socket, nint messages, uint count, int flags);
#pragma warning restore SYSLIB1054
}
