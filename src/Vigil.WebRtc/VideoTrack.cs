using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Vigil.WebRtc.H264;
using Vigil.WebRtc.Rtp;
using Vigil.WebRtc.Srtp;
using Vigil.WebRtc.Transport;
using Vigil.WebRtc.Turn;

namespace Vigil.WebRtc;

/// <summary>
/// The H.264 video sender of a peer connection: takes access units with presentation timestamps,
/// packetizes them (RFC 6184 mode 1), protects them with SRTP and sends them on the selected ICE pair.
/// </summary>
/// <remarks>
/// Until the connection is up, and then until the next IDR, access units are dropped (a viewer can
/// only start at an IDR); <see cref="KeyframeRequested"/> tells an encoder when one is wanted.
/// One writer at a time: a call to <see cref="WriteAsync(ReadOnlyMemory{byte}, TimeSpan, CancellationToken)"/> while another runs throws.
/// </remarks>
public sealed partial class VideoTrack
{
    private readonly VideoTrackSettings _settings;
    private readonly TimeProvider _time;
    private readonly long _epoch;
    private readonly ILogger _logger;
    private readonly H264Packetizer _packetizer;
    private readonly RtpHistory _history;
    private readonly byte[] _packet;
    private readonly UdpBatch _batch;
    private readonly uint _rtpBase;
    private readonly Lock _keyframeGate = new();
    private volatile Output? _output;
    private int _writing;
    private ulong _nextIndex;
    private bool _needKeyframe = true;
    private TimeSpan? _lastKeyframeRequest;
    private long _packetsSent;
    private long _payloadBytesSent;
    private long _framesSent;
    private long _keyframesSent;
    private long _framesDropped;
    private long _retransmitted;
    private long _lastRtpTimestamp;
    private long _lastFrameSentTicks;

    internal VideoTrack(VideoTrackSettings settings, int maxPayload, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _time = time;
        _epoch = time.GetTimestamp();
        _logger = logger;
        _packetizer = new H264Packetizer(maxPayload);
        _packet = new byte[maxPayload + 12 + 16];
        _history = new RtpHistory(settings.RetransmissionHistory, _packet.Length);
        // One pacing burst per batch, each slot with room for TURN framing (MediaPath.Add).
        _batch = new UdpBatch(Math.Max(1, settings.PacingBurstPackets), _packet.Length + TurnFraming.MaxSendIndicationOverhead);
        Ssrc = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
        _rtpBase = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
        _nextIndex = settings.InitialSequenceNumber ?? (ushort)RandomNumberGenerator.GetInt32(0, 32768);
    }

    /// <summary>Raised (outside the connection's lock, see <see cref="WebRtcPeerConnection"/>) when an IDR picture is wanted; rate-limited.</summary>
    public event EventHandler<KeyframeRequestedEventArgs>? KeyframeRequested;

    /// <summary>The RTP SSRC of the stream.</summary>
    public uint Ssrc { get; }

    /// <summary>The H.264 profile the track was declared with.</summary>
    public H264Profile Profile => _settings.Profile;

    internal VideoTrackSettings Settings => _settings;

    internal byte PayloadType { get; set; }

    /// How the owning connection wants events raised (queued and invoked outside its lock);
    /// direct invocation when null.
    internal Action<Action>? EventSink { get; init; }

    internal long PacketsSent => Interlocked.Read(ref _packetsSent);

    internal long PayloadBytesSent => Interlocked.Read(ref _payloadBytesSent);

    internal long FramesSent => Interlocked.Read(ref _framesSent);

    internal long KeyframesSent => Interlocked.Read(ref _keyframesSent);

    internal long FramesDropped => Interlocked.Read(ref _framesDropped);

    internal long Retransmitted => Interlocked.Read(ref _retransmitted);

    /// <summary>Sends one access unit.</summary>
    /// <param name="accessUnit">The access unit (from <see cref="H264AccessUnitReader"/> or an encoder).</param>
    /// <param name="timestamp">Presentation time from a frame counter (e.g. n / fps); regular steps keep Chromium's playout delay low (pion/webrtc #2427).</param>
    /// <param name="cancellationToken">Cancels pacing waits.</param>
    public ValueTask WriteAsync(H264AccessUnit accessUnit, TimeSpan timestamp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accessUnit);
        return WriteAsync(accessUnit.Data, timestamp, cancellationToken);
    }

    /// <summary>Sends one access unit given as Annex-B bytes.</summary>
    /// <param name="annexB">NAL units of one picture, each after a start code.</param>
    /// <param name="timestamp">Presentation time from a frame counter.</param>
    /// <param name="cancellationToken">Cancels pacing waits.</param>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> annexB, TimeSpan timestamp, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("VideoTrack.WriteAsync is already running; write access units one at a time.");
        }

        try
        {
            var output = _output;
            _packetizer.Prepare(annexB);
            if (output is null || (_needKeyframe && !_packetizer.IsKeyframe))
            {
                Interlocked.Increment(ref _framesDropped);
                if (output is not null)
                {
                    RequestKeyframe(KeyframeRequestReason.NewViewer);
                }

                return;
            }

            _needKeyframe = false;
            // RFC 6184 §5.1: 90 kHz clock; every packet of the access unit carries its timestamp.
            var rtpTimestamp = unchecked(_rtpBase + (uint)(timestamp.Ticks * 9 / 1000));
            var packets = _packetizer.Packets;
            var path = output.Path();
            var burst = 0;
            try
            {
                for (var i = 0; i < packets.Count; i++)
                {
                    if (++burst > _settings.PacingBurstPackets)
                    {
                        burst = 1;
                        path?.Flush(_batch);
                        await Task.Delay(TimeSpan.FromMilliseconds(1), _time, cancellationToken);
                        output = _output;
                        if (output is null)
                        {
                            return;
                        }

                        path = output.Path();
                    }

                    SendPacket(output, path, packets[i], rtpTimestamp);
                }

                path?.Flush(_batch);
            }
            finally
            {
                // After a failure between adding and flushing, the next frame starts empty.
                _batch.Clear();
            }

            Interlocked.Increment(ref _framesSent);
            if (_packetizer.IsKeyframe)
            {
                Interlocked.Increment(ref _keyframesSent);
            }

            Interlocked.Exchange(ref _lastRtpTimestamp, rtpTimestamp);
            Interlocked.Exchange(ref _lastFrameSentTicks, Now.Ticks);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    private TimeSpan Now => _time.GetElapsedTime(_epoch);

    /// Protects, stores and queues one packet; the burst's packets leave together when the batch
    /// is flushed (one sendmmsg on Linux instead of a sendto per packet).
    private void SendPacket(Output output, MediaPath? path, in H264Packet packet, uint rtpTimestamp)
    {
        var index = _nextIndex++;
        var sequence = (ushort)index;
        RtpHeader.Write(_packet, packet.Marker, PayloadType, sequence, rtpTimestamp, Ssrc);
        var payloadLength = _packetizer.Write(packet, _packet.AsSpan(RtpHeader.FixedLength));
        var length = output.Srtp.ProtectRtp(_packet, RtpHeader.FixedLength + payloadLength, index);
        _history.Store(sequence, _packet.AsSpan(0, length), Now);
        path?.Add(_batch, _packet.AsSpan(0, length));
        Interlocked.Increment(ref _packetsSent);
        Interlocked.Add(ref _payloadBytesSent, payloadLength);
    }

    /// Starts sending with the connection's SRTP context (client keys) and path source.
    internal void Attach(SrtpContext srtp, Func<MediaPath?> path)
    {
        _output = new Output(srtp, path);
        _needKeyframe = true;
        RequestKeyframe(KeyframeRequestReason.NewViewer);
    }

    internal void Detach() => _output = null;

    /// RFC 4585 §6.2.1 answered from the history: stored packets are re-sent as they were.
    internal int Retransmit(IReadOnlyList<ushort> lost, TimeSpan minInterval)
    {
        if (_output is not { } output || output.Path() is not { } path)
        {
            return 0;
        }

        Span<byte> buffer = stackalloc byte[_packet.Length];
        var resent = 0;
        foreach (var sequence in lost)
        {
            var length = _history.TryCopyForResend(sequence, buffer, Now, minInterval);
            if (length > 0)
            {
                path.Send(buffer[..length]);
                resent++;
            }
        }

        Interlocked.Add(ref _retransmitted, resent);
        Interlocked.Add(ref _packetsSent, resent);
        return resent;
    }

    /// RFC 3550 §6.4.1: the SR's RTP timestamp is the media clock at the SR's NTP instant — the
    /// last frame's timestamp advanced by the time since it was sent.
    internal bool TryGetRtpTimestampNow(out uint rtpTimestamp)
    {
        rtpTimestamp = 0;
        var sentAt = Interlocked.Read(ref _lastFrameSentTicks);
        if (Interlocked.Read(ref _framesSent) == 0)
        {
            return false;
        }

        var elapsed = Now - TimeSpan.FromTicks(sentAt);
        rtpTimestamp = unchecked((uint)Interlocked.Read(ref _lastRtpTimestamp) + (uint)(elapsed.Ticks * 9 / 1000));
        return true;
    }

    internal void RequestKeyframe(KeyframeRequestReason reason)
    {
        lock (_keyframeGate)
        {
            var now = Now;
            if (_lastKeyframeRequest is { } last && now - last < _settings.KeyframeRequestInterval)
            {
                return;
            }

            _lastKeyframeRequest = now;
        }

        Log.KeyframeRequested(_logger, reason);
        var args = new KeyframeRequestedEventArgs(reason);
        if (EventSink is { } sink)
        {
            sink(() => KeyframeRequested?.Invoke(this, args));
        }
        else
        {
            KeyframeRequested?.Invoke(this, args);
        }
    }

    private sealed record Output(SrtpContext Srtp, Func<MediaPath?> Path);

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "Keyframe requested: {Reason}")]
        public static partial void KeyframeRequested(ILogger logger, KeyframeRequestReason reason);
    }
}
