using System.Security.Cryptography;
using Vigil.WebRtc.Dtls;
using Vigil.WebRtc.Rtcp;
using Vigil.WebRtc.Srtp;

namespace Vigil.WebRtc;

public sealed partial class WebRtcPeerConnection
{
    private DtlsSession? _dtls;
    private SrtpContext? _srtpOut;
    private SrtpContext? _rtcpIn;
    private volatile bool _srtpReady;
    private bool _dtlsFailed;
    private SrtpProfile? _srtpProfile;
    private TimeSpan _nextReport;
    private int _lastFirSequence = -1;
    private long _rttTicks;
    private long _nacks;
    private long _nackedPackets;
    private long _plis;
    private long _firs;
    private long _receiverReports;
    private long _senderReports;
    private double? _fractionLost;
    private ulong? _remb;

    private async Task ObserveDtlsAsync(DtlsSession dtls)
    {
        try
        {
            var keys = await dtls.Handshake;
            Run(() => OnDtlsConnected(keys));
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            Run(() => OnDtlsFailed(exception));
        }

        await dtls.Closed;
        Run(OnDtlsClosed);
    }

    private void OnDtlsFailed(Exception exception)
    {
        if (_disposed != 0)
        {
            return;
        }

        Log.DtlsFailed(_logger, exception);
        _dtlsFailed = true;
        UpdateState();
    }

    private void OnDtlsConnected(DtlsSrtpKeys keys)
    {
        if (_disposed != 0)
        {
            return;
        }

        // RFC 5764 §4.2: we are the DTLS client, so we send with the client keys and verify the
        // browser's SRTCP with the server keys. The outgoing context serves the media thread
        // (its RTP cipher) and this loop (its RTCP cipher) at once: the two share no state.
        _srtpProfile = keys.Profile;
        _srtpOut = keys.CreateClientContext();
        _rtcpIn = keys.CreateServerContext();
        _srtpReady = true;
        _nextReport = Now + TimeSpan.FromMilliseconds(500);
        _video?.Attach(_srtpOut, () => _srtpReady ? _path : null);
        UpdateState();
    }

    /// The browser sent close_notify (or a fatal alert) after the handshake: the session is over.
    private void OnDtlsClosed()
    {
        if (_disposed != 0 || !_srtpReady)
        {
            return;
        }

        _srtpReady = false;
        _video?.Detach();
        SetState(PeerConnectionState.Closed);
    }

    private void HandleRtcp(ReadOnlySpan<byte> datagram)
    {
        if (_rtcpIn is null || _video is not { } video)
        {
            return;
        }

        var buffer = datagram.ToArray();
        if (!_rtcpIn.TryUnprotectRtcp(buffer, buffer.Length, out var length))
        {
            Log.SrtcpRejected(_logger, buffer.Length);
            return;
        }

        var feedback = new List<RtcpFeedback>();
        if (!RtcpReader.TryParse(buffer.AsSpan(0, length), feedback))
        {
            return;
        }

        foreach (var item in feedback)
        {
            switch (item)
            {
                case RtcpReceiverReport report:
                    Interlocked.Increment(ref _receiverReports);
                    foreach (var block in report.Blocks.Where(b => b.Ssrc == video.Ssrc))
                    {
                        _fractionLost = block.FractionLost / 256.0;
                        var arrival = NtpTime.Middle32(NtpTime.FromUnixTime(_time.GetUtcNow()));
                        if (NtpTime.RoundTrip(arrival, block.LastSenderReport, block.DelaySinceLastSenderReport) is { } rtt)
                        {
                            Volatile.Write(ref _rttTicks, rtt.Ticks);
                        }
                    }

                    break;
                case RtcpNack nack when nack.MediaSsrc == video.Ssrc:
                    Interlocked.Increment(ref _nacks);
                    Interlocked.Add(ref _nackedPackets, nack.Lost.Count);
                    // Re-send a packet at most once per RTT: a second NACK within it is the same loss.
                    var rttNow = Volatile.Read(ref _rttTicks);
                    var minInterval = rttNow > 0 ? TimeSpan.FromTicks(Math.Max(rttNow, TimeSpan.TicksPerMillisecond * 10)) : TimeSpan.FromMilliseconds(50);
                    Log.Nack(_logger, nack.Lost.Count, video.Retransmit(nack.Lost, minInterval));
                    break;
                case RtcpPli pli when pli.MediaSsrc == video.Ssrc:
                    Interlocked.Increment(ref _plis);
                    video.RequestKeyframe(KeyframeRequestReason.PictureLoss);
                    break;
                case RtcpFir fir:
                    // RFC 5104 §4.3.1.2: act once per new command sequence number.
                    foreach (var (ssrc, sequence) in fir.Entries.Where(e => e.Ssrc == video.Ssrc && e.Sequence != _lastFirSequence))
                    {
                        _lastFirSequence = sequence;
                        Interlocked.Increment(ref _firs);
                        video.RequestKeyframe(KeyframeRequestReason.FullIntraRequest);
                    }

                    break;
                case RtcpRemb remb:
                    _remb = remb.BitsPerSecond;
                    break;
                default:
                    break;
            }
        }
    }

    /// RFC 3550 §6.4.1/§6.5.1: SR + SDES CNAME about once a second, randomised 0.5–1.5× (§6.3.1).
    private void PollRtcp(TimeSpan now)
    {
        if (!_srtpReady || now < _nextReport || _srtpOut is null || _video is not { } video || _path is not { } path)
        {
            return;
        }

        _nextReport = now + TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(500, 1501));
        if (!video.TryGetRtpTimestampNow(out var rtpTimestamp))
        {
            return;
        }

        Span<byte> buffer = stackalloc byte[256];
        var length = RtcpWriter.WriteSenderReport(buffer, video.Ssrc, NtpTime.FromUnixTime(_time.GetUtcNow()), rtpTimestamp,
            (uint)video.PacketsSent, (uint)video.PayloadBytesSent);
        length += RtcpWriter.WriteSourceDescription(buffer[length..], video.Ssrc, _cname);
        length = _srtpOut.ProtectRtcp(buffer, length);
        path.Send(buffer[..length]);
        Interlocked.Increment(ref _senderReports);
    }

    /// RFC 3550 §6.6: BYE (with an SR first, as compound RTCP must start with a report).
    private void SendGoodbye()
    {
        if (!_srtpReady || _srtpOut is null || _video is not { } video || _path is not { } path)
        {
            return;
        }

        Span<byte> buffer = stackalloc byte[256];
        video.TryGetRtpTimestampNow(out var rtpTimestamp);
        var length = RtcpWriter.WriteSenderReport(buffer, video.Ssrc, NtpTime.FromUnixTime(_time.GetUtcNow()), rtpTimestamp,
            (uint)video.PacketsSent, (uint)video.PayloadBytesSent);
        length += RtcpWriter.WriteGoodbye(buffer[length..], video.Ssrc);
        length = _srtpOut.ProtectRtcp(buffer, length);
        path.Send(buffer[..length]);
    }
}
