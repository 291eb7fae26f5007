using System.Buffers.Binary;
using System.Security.Cryptography;
using Vigil.WebRtc.Rtp;

namespace Vigil.WebRtc.Srtp;

/// SRTP and SRTCP for one master key (RFC 3711, RFC 7714): protects what we send with the
/// DTLS client keys, or verifies and decrypts what the browser sends with the server keys.
/// The sender supplies the 48-bit packet index itself (ROC only from our own counter — a
/// reordered input must never move it, traviscross/libre PR #6); the receive side estimates the
/// ROC per SSRC (RFC 3711 App. A) and keeps a replay window.
/// Not thread-safe: one thread protects RTP, one handles RTCP (each session cipher has scratch state).
internal sealed class SrtpContext : IDisposable
{
    private readonly SrtpSessionCipher _rtp;
    private readonly SrtpSessionCipher _rtcp;
    private readonly Dictionary<uint, RtpReceiveState> _rtpReceive = [];
    private readonly Dictionary<uint, SrtpReplayWindow> _rtcpReceive = [];
    private uint _srtcpIndex;

    public SrtpContext(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
        : this(SrtpSessionCipher.Derive(profile, masterKey, masterSalt, rtcp: false), SrtpSessionCipher.Derive(profile, masterKey, masterSalt, rtcp: true))
    {
    }

    /// Takes ownership of already keyed ciphers (tests use session-key vectors this way).
    public SrtpContext(SrtpSessionCipher rtp, SrtpSessionCipher rtcp)
    {
        Profile = rtp.Profile;
        _rtp = rtp;
        _rtcp = rtcp;
    }

    public SrtpProfile Profile { get; }

    public int RtpOverhead => SrtpProfileInfo.RtpOverhead(Profile);

    public int RtcpOverhead => SrtpProfileInfo.RtcpOverhead(Profile);

    /// Protects the RTP packet in buffer[..length] in place and appends the tag; returns the new
    /// length. <paramref name="index"/> is ROC·2¹⁶ + SEQ (RFC 3711 §3.3.1) and must agree with the
    /// packet's sequence number.
    public int ProtectRtp(Span<byte> buffer, int length, ulong index)
    {
        if (!RtpHeader.TryRead(buffer[..length], out var header) || (ushort)index != header.SequenceNumber)
        {
            throw new ArgumentException("Not an RTP packet, or index does not match its sequence number.", nameof(buffer));
        }

        if (buffer.Length < length + RtpOverhead)
        {
            throw new ArgumentException("No room for the SRTP tag.", nameof(buffer));
        }

        var roc = (uint)(index >> 16);
        if (Profile == SrtpProfile.AeadAes128Gcm)
        {
            Span<byte> nonce = stackalloc byte[12];
            GcmRtpNonce(nonce, header.Ssrc, roc, header.SequenceNumber);
            _rtp.Seal(nonce, buffer[header.Length..length], buffer.Slice(length, 16), buffer[..header.Length]);
            return length + 16;
        }

        Span<byte> iv = stackalloc byte[16];
        CounterModeIv(iv, _rtp.Salt, header.Ssrc, index);
        _rtp.ApplyKeystream(iv, buffer[header.Length..length]);
        Span<byte> rocBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
        _rtp.ComputeTag(buffer[..length], rocBytes, buffer.Slice(length, 10));
        return length + 10;
    }

    /// Protects an RTCP compound packet with the next SRTCP index (the first is 1, as in libsrtp).
    public int ProtectRtcp(Span<byte> buffer, int length) => ProtectRtcp(buffer, length, ++_srtcpIndex & 0x7FFFFFFF);

    /// RFC 3711 §3.4: the first 8 bytes stay clear; E‖index31 follows the ciphertext; the tag
    /// covers header‖ciphertext‖E‖index. RFC 7714 §9.1: header(8)‖ciphertext‖tag‖E‖index.
    public int ProtectRtcp(Span<byte> buffer, int length, uint index)
    {
        if (length < 8 || buffer.Length < length + RtcpOverhead)
        {
            throw new ArgumentException("RTCP packet too short or no room for the SRTCP trailer.", nameof(buffer));
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        var trailer = 0x80000000u | index;
        if (Profile == SrtpProfile.AeadAes128Gcm)
        {
            Span<byte> nonce = stackalloc byte[12];
            GcmRtcpNonce(nonce, ssrc, index);
            Span<byte> aad = stackalloc byte[12];
            buffer[..8].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[8..], trailer);
            _rtcp.Seal(nonce, buffer[8..length], buffer.Slice(length, 16), aad);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(length + 16)..], trailer);
            return length + 20;
        }

        Span<byte> iv = stackalloc byte[16];
        CounterModeIv(iv, _rtcp.Salt, ssrc, index);
        _rtcp.ApplyKeystream(iv, buffer[8..length]);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], trailer);
        _rtcp.ComputeTag(buffer[..(length + 4)], default, buffer.Slice(length + 4, 10));
        return length + 14;
    }

    /// Verifies (before anything else looks at the packet — werift #582), checks the replay
    /// window and decrypts an SRTCP packet in place.
    public bool TryUnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        var tagLength = Profile == SrtpProfile.AeadAes128Gcm ? 16 : 10;
        if (length < 8 + 4 + tagLength || length > buffer.Length)
        {
            return false;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        var trailerOffset = Profile == SrtpProfile.AeadAes128Gcm ? length - 4 : length - 4 - tagLength;
        var trailer = BinaryPrimitives.ReadUInt32BigEndian(buffer[trailerOffset..]);
        var encrypted = (trailer & 0x80000000) != 0;
        var index = trailer & 0x7FFFFFFF;
        if (_rtcpReceive.TryGetValue(ssrc, out var window) && !window.IsAcceptable(index))
        {
            return false;
        }

        if (Profile == SrtpProfile.AeadAes128Gcm)
        {
            var cipherEnd = length - 4 - 16;
            Span<byte> nonce = stackalloc byte[12];
            GcmRtcpNonce(nonce, ssrc, index);
            bool ok;
            if (encrypted)
            {
                Span<byte> aad = stackalloc byte[12];
                buffer[..8].CopyTo(aad);
                BinaryPrimitives.WriteUInt32BigEndian(aad[8..], trailer);
                ok = _rtcp.TryOpen(nonce, buffer[8..cipherEnd], buffer.Slice(cipherEnd, 16), aad);
            }
            else
            {
                // RFC 7714 §9.2: E = 0 authenticates header‖payload‖E‖index with an empty plaintext.
                var aad = new byte[cipherEnd + 4];
                buffer[..cipherEnd].CopyTo(aad);
                BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(cipherEnd), trailer);
                ok = _rtcp.TryOpen(nonce, [], buffer.Slice(cipherEnd, 16), aad);
            }

            if (!ok)
            {
                return false;
            }

            plainLength = cipherEnd;
        }
        else
        {
            Span<byte> tag = stackalloc byte[10];
            _rtcp.ComputeTag(buffer[..(trailerOffset + 4)], default, tag);
            if (!CryptographicOperations.FixedTimeEquals(tag, buffer.Slice(trailerOffset + 4, 10)))
            {
                return false;
            }

            if (encrypted)
            {
                Span<byte> iv = stackalloc byte[16];
                CounterModeIv(iv, _rtcp.Salt, ssrc, index);
                _rtcp.ApplyKeystream(iv, buffer[8..trailerOffset]);
            }

            plainLength = trailerOffset;
        }

        if (window is null)
        {
            window = new SrtpReplayWindow();
            _rtcpReceive[ssrc] = window;
        }

        window.Accept(index);
        return true;
    }

    /// Verifies and decrypts an SRTP packet in place, estimating the ROC (RFC 3711 App. A).
    /// The sender never needs this; tests and the loopback harness do.
    public bool TryUnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        var tagLength = RtpOverhead;
        if (length > buffer.Length || length < RtpHeader.FixedLength + tagLength
            || !RtpHeader.TryRead(buffer[..(length - tagLength)], out var header))
        {
            return false;
        }

        _rtpReceive.TryGetValue(header.Ssrc, out var state);
        var index = state is null ? header.SequenceNumber : state.Estimate(header.SequenceNumber);
        if (state is not null && !state.Window.IsAcceptable(index))
        {
            return false;
        }

        var roc = (uint)(index >> 16);
        var payloadEnd = length - tagLength;
        if (Profile == SrtpProfile.AeadAes128Gcm)
        {
            Span<byte> nonce = stackalloc byte[12];
            GcmRtpNonce(nonce, header.Ssrc, roc, header.SequenceNumber);
            if (!_rtp.TryOpen(nonce, buffer[header.Length..payloadEnd], buffer.Slice(payloadEnd, 16), buffer[..header.Length]))
            {
                return false;
            }
        }
        else
        {
            Span<byte> rocBytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
            Span<byte> tag = stackalloc byte[10];
            _rtp.ComputeTag(buffer[..payloadEnd], rocBytes, tag);
            if (!CryptographicOperations.FixedTimeEquals(tag, buffer.Slice(payloadEnd, 10)))
            {
                return false;
            }

            Span<byte> iv = stackalloc byte[16];
            CounterModeIv(iv, _rtp.Salt, header.Ssrc, index);
            _rtp.ApplyKeystream(iv, buffer[header.Length..payloadEnd]);
        }

        if (state is null)
        {
            state = new RtpReceiveState();
            _rtpReceive[header.Ssrc] = state;
        }

        state.Accept(index);
        plainLength = payloadEnd;
        return true;
    }

    /// RFC 3711 §4.1.1: IV = (k_s·2¹⁶) XOR (SSRC·2⁶⁴) XOR (i·2¹⁶).
    private static void CounterModeIv(Span<byte> iv, ReadOnlySpan<byte> salt, uint ssrc, ulong index)
    {
        salt.CopyTo(iv);
        iv[14] = 0;
        iv[15] = 0;
        iv[4] ^= (byte)(ssrc >> 24);
        iv[5] ^= (byte)(ssrc >> 16);
        iv[6] ^= (byte)(ssrc >> 8);
        iv[7] ^= (byte)ssrc;
        for (var i = 0; i < 6; i++)
        {
            iv[8 + i] ^= (byte)(index >> (40 - (8 * i)));
        }
    }

    /// RFC 7714 §8.1: IV = (00 00 ‖ SSRC ‖ ROC ‖ SEQ) XOR salt.
    private void GcmRtpNonce(Span<byte> nonce, uint ssrc, uint roc, ushort sequence)
    {
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], roc);
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], sequence);
        XorInPlace(nonce, _rtp.Salt);
    }

    /// RFC 7714 §9.1: IV = (00 00 ‖ SSRC ‖ 00 00 ‖ 0 ‖ index31) XOR salt.
    private void GcmRtcpNonce(Span<byte> nonce, uint ssrc, uint index)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], index & 0x7FFFFFFF);
        XorInPlace(nonce, _rtcp.Salt);
    }

    private static void XorInPlace(Span<byte> target, ReadOnlySpan<byte> other)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] ^= other[i];
        }
    }

    public void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
    }

    /// Receive-side ROC tracking for one SSRC (RFC 3711 §3.3.1 and Appendix A).
    private sealed class RtpReceiveState
    {
        public SrtpReplayWindow Window { get; } = new();

        public ulong Estimate(ushort sequence)
        {
            var highest = Window.Highest;
            var roc = (long)(highest >> 16);
            var last = (int)(highest & 0xFFFF);
            long v;
            if (last < 32768)
            {
                v = sequence - last > 32768 ? roc - 1 : roc;
            }
            else
            {
                v = last - 32768 > sequence ? roc + 1 : roc;
            }

            return v < 0 ? sequence : ((ulong)v << 16) | sequence;
        }

        public void Accept(ulong index) => Window.Accept(index);
    }
}
