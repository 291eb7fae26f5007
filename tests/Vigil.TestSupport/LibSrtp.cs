using System.Runtime.InteropServices;

namespace Vigil.TestSupport;

/// <summary>
/// A minimal binding of Debian's libsrtp2 (<c>libsrtp2.so.1</c>, package <c>libsrtp2-1</c>) for cross-checks
/// and benchmarks: one session per direction with AES_CM_128_HMAC_SHA1_80 (16-byte key + 14-byte salt)
/// or AEAD_AES_128_GCM (16-byte key + 12-byte salt, 16-byte tag).
/// </summary>
/// <remarks>libsrtp is the SRTP implementation inside Chromium, so agreeing with it is the independent check.</remarks>
public sealed partial class LibSrtp : IDisposable
{
    private const string Library = "libsrtp2.so.1";
    private static readonly Lock InitGate = new();
    private static bool _initialised;
    private readonly int _rtpOverhead;
    private readonly int _rtcpOverhead;
    private IntPtr _session;
    private IntPtr _key;

    private LibSrtp(IntPtr session, IntPtr key, int rtpOverhead, int rtcpOverhead)
    {
        _session = session;
        _key = key;
        _rtpOverhead = rtpOverhead;
        _rtcpOverhead = rtcpOverhead;
    }

    /// <summary>Creates a session for any SSRC in one direction.</summary>
    /// <param name="masterKey">16-byte SRTP master key.</param>
    /// <param name="masterSalt">14-byte SRTP master salt.</param>
    /// <param name="inbound">True to unprotect (receiver), false to protect (sender).</param>
    /// <exception cref="InvalidOperationException">libsrtp is missing (install <c>libsrtp2-1</c>) or refused the policy.</exception>
    public static LibSrtp Create(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, bool inbound)
    {
        if (masterKey.Length != 16 || masterSalt.Length != 14)
        {
            throw new ArgumentException("AES_CM_128_HMAC_SHA1_80 needs a 16-byte key and a 14-byte salt.");
        }

        return Create(masterKey, masterSalt, inbound, gcm: false);
    }

    /// <summary>Creates an AEAD_AES_128_GCM session (RFC 7714, 16-byte tag) for any SSRC in one direction.</summary>
    /// <param name="masterKey">16-byte SRTP master key.</param>
    /// <param name="masterSalt">12-byte SRTP master salt.</param>
    /// <param name="inbound">True to unprotect (receiver), false to protect (sender).</param>
    /// <exception cref="InvalidOperationException">libsrtp is missing (install <c>libsrtp2-1</c>) or refused the policy.</exception>
    public static LibSrtp CreateAesGcm128(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, bool inbound)
    {
        if (masterKey.Length != 16 || masterSalt.Length != 12)
        {
            throw new ArgumentException("AEAD_AES_128_GCM needs a 16-byte key and a 12-byte salt.");
        }

        return Create(masterKey, masterSalt, inbound, gcm: true);
    }

    private static LibSrtp Create(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, bool inbound, bool gcm)
    {
        EnsureInitialised();
        var policy = default(Policy);
        if (gcm)
        {
            NativeMethods.srtp_crypto_policy_set_aes_gcm_128_16_auth(ref policy.Rtp);
            NativeMethods.srtp_crypto_policy_set_aes_gcm_128_16_auth(ref policy.Rtcp);
        }
        else
        {
            NativeMethods.srtp_crypto_policy_set_rtp_default(ref policy.Rtp);
            NativeMethods.srtp_crypto_policy_set_rtcp_default(ref policy.Rtcp);
        }

        policy.SsrcType = inbound ? 2 : 3; // ssrc_any_inbound / ssrc_any_outbound
        var keyLength = masterKey.Length + masterSalt.Length;
        var key = Marshal.AllocHGlobal(keyLength);
        Marshal.Copy(masterKey.ToArray(), 0, key, masterKey.Length);
        Marshal.Copy(masterSalt.ToArray(), 0, key + masterKey.Length, masterSalt.Length);
        policy.Key = key;
        policy.WindowSize = 1024;
        // RTX-less NACK repair re-sends identical packets; let the receiver accept them.
        policy.AllowRepeatTx = 1;
        var status = NativeMethods.srtp_create(out var session, ref policy);
        if (status != 0)
        {
            Marshal.FreeHGlobal(key);
            throw new InvalidOperationException($"srtp_create failed with status {status}.");
        }

        // Trailer sizes: 10-byte tag (+ 4-byte SRTCP index) for AES-CM/SHA1-80, 16-byte tag (+ 4) for GCM.
        return gcm ? new LibSrtp(session, key, 16, 20) : new LibSrtp(session, key, 10, 14);
    }

    /// <summary>Protects the RTP packet in <paramref name="buffer"/>[..length] in place; returns the new length.</summary>
    public int ProtectRtp(byte[] buffer, int length) => Run(NativeMethods.srtp_protect, buffer, length, _rtpOverhead);

    /// <summary>Protects an RTCP packet in place; returns the new length.</summary>
    public int ProtectRtcp(byte[] buffer, int length) => Run(NativeMethods.srtp_protect_rtcp, buffer, length, _rtcpOverhead);

    /// <summary>Verifies and decrypts an SRTP packet in place; returns the libsrtp status (0 = ok).</summary>
    public int UnprotectRtp(byte[] buffer, ref int length) => Unprotect(NativeMethods.srtp_unprotect, buffer, ref length);

    /// <summary>Verifies and decrypts an SRTCP packet in place; returns the libsrtp status (0 = ok).</summary>
    public int UnprotectRtcp(byte[] buffer, ref int length) => Unprotect(NativeMethods.srtp_unprotect_rtcp, buffer, ref length);

    /// <summary>Frees the native session.</summary>
    public void Dispose()
    {
        if (_session != IntPtr.Zero)
        {
            _ = NativeMethods.srtp_dealloc(_session);
            _session = IntPtr.Zero;
        }

        if (_key != IntPtr.Zero)
        {
            Marshal.FreeHGlobal(_key);
            _key = IntPtr.Zero;
        }
    }

    private int Run(Transform transform, byte[] buffer, int length, int overhead)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length < length + overhead)
        {
            throw new ArgumentException("No room for the SRTP trailer.", nameof(buffer));
        }

        var status = transform(_session, buffer, ref length);
        return status == 0 ? length : throw new InvalidOperationException($"libsrtp protect failed with status {status}.");
    }

    private int Unprotect(Transform transform, byte[] buffer, ref int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return transform(_session, buffer, ref length);
    }

    private static void EnsureInitialised()
    {
        lock (InitGate)
        {
            if (_initialised)
            {
                return;
            }

            int status;
            try
            {
                status = NativeMethods.srtp_init();
            }
            catch (DllNotFoundException exception)
            {
                throw new InvalidOperationException("libsrtp2.so.1 not found: install the Debian package libsrtp2-1 (./test.sh does).", exception);
            }

            if (status != 0)
            {
                throw new InvalidOperationException($"srtp_init failed with status {status}.");
            }

            _initialised = true;
        }
    }

    private delegate int Transform(IntPtr session, byte[] packet, ref int length);

    // srtp_crypto_policy_t (srtp2/srtp.h).
    [StructLayout(LayoutKind.Sequential)]
    private struct CryptoPolicy
    {
        public int CipherType;
        public int CipherKeyLength;
        public int AuthType;
        public int AuthKeyLength;
        public int AuthTagLength;
        public int SecurityServices;
    }

    // srtp_policy_t (srtp2/srtp.h, libsrtp 2.5): field order and sizes must match exactly.
    [StructLayout(LayoutKind.Sequential)]
    private struct Policy
    {
        public int SsrcType;
        public uint SsrcValue;
        public CryptoPolicy Rtp;
        public CryptoPolicy Rtcp;
        public IntPtr Key;
        public IntPtr Keys;
        public nuint NumMasterKeys;
        public IntPtr DeprecatedEkt;
        public nuint WindowSize;
        public int AllowRepeatTx;
        public IntPtr EncryptedHeaderExtensions;
        public int EncryptedHeaderExtensionCount;
        public IntPtr Next;
    }

    private static class NativeMethods
    {
        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int srtp_init();

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern void srtp_crypto_policy_set_rtp_default(ref CryptoPolicy policy);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern void srtp_crypto_policy_set_rtcp_default(ref CryptoPolicy policy);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern void srtp_crypto_policy_set_aes_gcm_128_16_auth(ref CryptoPolicy policy);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int srtp_create(out IntPtr session, ref Policy policy);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int srtp_dealloc(IntPtr session);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int srtp_protect(IntPtr session, byte[] packet, ref int length);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int srtp_unprotect(IntPtr session, byte[] packet, ref int length);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int srtp_protect_rtcp(IntPtr session, byte[] packet, ref int length);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int srtp_unprotect_rtcp(IntPtr session, byte[] packet, ref int length);
    }
}
