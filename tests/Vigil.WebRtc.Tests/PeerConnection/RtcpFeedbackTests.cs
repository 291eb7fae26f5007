using System.Net;
using Vigil.TestSupport;
using Vigil.WebRtc.Rtcp;
using Vigil.WebRtc.Tests.Interop;

namespace Vigil.WebRtc.Tests.PeerConnection;

/// RTCP paths of a connected WebRtcPeerConnection, driven by a managed loopback viewer that can
/// send PLI, FIR, NACK and receiver reports on demand (real sockets on 127.0.0.1, real DTLS).
public sealed class RtcpFeedbackTests
{
    [Fact]
    public async Task Pli_fir_and_nack_are_acted_on_and_sender_reports_flow()
    {
        var ct = TestContext.Current.CancellationToken;
        var clip = await H264Clip.GenerateAsync(new H264ClipOptions(Seconds: 2, FramesPerSecond: 30, GopFrames: 60), cancellationToken: ct);
        await using var camera = new WebRtcPeerConnection(new WebRtcSettings { BindAddresses = [IPAddress.Loopback] });
        // No rate limit on keyframe requests here, so each request is observable at once (the limit has its own test below).
        var track = camera.AddVideoTrack(new VideoTrackSettings { KeyframeRequestInterval = TimeSpan.Zero });
        var requests = System.Threading.Channels.Channel.CreateUnbounded<KeyframeRequestReason>();
        track.KeyframeRequested += (_, e) => requests.Writer.TryWrite(e.Reason);
        await using var viewer = new LoopbackViewer();
        await viewer.ConnectAsync(camera, ct);
        Assert.Equal(KeyframeRequestReason.NewViewer, await requests.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct));
        await using var pump = new MediaPump(track, clip, 30);
        await Until(() => viewer.Locked(v => v.Frames) >= 20, ct);
        var ssrc = viewer.Locked(v => v.MediaSsrc);
        Assert.Equal(track.Ssrc, ssrc);

        // PLI → keyframe request.
        viewer.SendRtcp(b => RtcpWriter.WritePli(b, LoopbackViewer.RtcpSsrc, ssrc));
        Assert.Equal(KeyframeRequestReason.PictureLoss, await requests.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct));

        // FIR: acted on once per sequence number.
        viewer.SendRtcp(b => RtcpWriter.WriteFir(b, LoopbackViewer.RtcpSsrc, ssrc, 7));
        viewer.SendRtcp(b => RtcpWriter.WriteFir(b, LoopbackViewer.RtcpSsrc, ssrc, 7));
        Assert.Equal(KeyframeRequestReason.FullIntraRequest, await requests.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct));
        await Until(() => camera.GetStats().FirsReceived >= 1, ct);

        // NACK → the stored packet comes back byte for byte.
        var (sequence, original) = viewer.Locked(v => (v.SequenceLog[5], v.ProtectedPackets[v.SequenceLog[5]]));
        viewer.SendRtcp(b => RtcpWriter.WriteNack(b, LoopbackViewer.RtcpSsrc, ssrc, [sequence]));
        await Until(() => viewer.Locked(v => v.Repeats.ContainsKey(sequence)), ct);
        Assert.Equal(original, viewer.Locked(v => v.Repeats[sequence]));

        // Sender reports arrive; a receiver report echoing one gives the camera an RTT.
        RtcpReceiverReport? sr = null;
        while (sr is null)
        {
            var item = await viewer.SenderReports.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct);
            sr = item as RtcpReceiverReport;
        }

        Assert.Equal(ssrc, sr.SenderSsrc);
        var lsr = NtpTime.Middle32(NtpTime.FromUnixTime(TimeProvider.System.GetUtcNow()));
        viewer.SendRtcp(b => RtcpWriter.WriteReceiverReport(b, LoopbackViewer.RtcpSsrc, new RtcpReportBlock(ssrc, 0, 0, 0, 0, lsr, 0)));
        await Until(() => camera.GetStats().ReceiverReportsReceived >= 1, ct);

        var stats = camera.GetStats();
        TestContext.Current.TestOutputHelper!.WriteLine(stats.ToString());
        Assert.Equal(1, stats.PlisReceived);
        Assert.Equal(1, stats.FirsReceived);
        Assert.Equal(1, stats.NacksReceived);
        Assert.True(stats.RetransmittedPackets >= 1);
        Assert.NotNull(stats.RoundTripTime);
        Assert.True(stats.RoundTripTime < TimeSpan.FromSeconds(1), $"RTT {stats.RoundTripTime}");
        Assert.True(stats.SenderReportsSent >= 1);
    }

    [Fact]
    public async Task Disposing_sends_an_srtcp_bye_and_a_dtls_close_notify()
    {
        var ct = TestContext.Current.CancellationToken;
        var clip = await H264Clip.GenerateAsync(new H264ClipOptions(Seconds: 2, FramesPerSecond: 30, GopFrames: 60), cancellationToken: ct);
        var camera = new WebRtcPeerConnection(new WebRtcSettings { BindAddresses = [IPAddress.Loopback] });
        var track = camera.AddVideoTrack();
        await using var viewer = new LoopbackViewer();
        await viewer.ConnectAsync(camera, ct);
        await using (new MediaPump(track, clip, 30))
        {
            await Until(() => viewer.Locked(v => v.Frames) >= 5, ct);
        }

        await camera.DisposeAsync();

        await Until(() => viewer.Locked(v => v.RtcpPacketTypes.Contains(RtcpPacketType.Goodbye)), ct);
        await Until(() => viewer.DtlsClosedByCamera, ct);
        Assert.Equal(PeerConnectionState.Closed, camera.State);
    }

    [Fact]
    public async Task Keyframe_requests_within_the_interval_are_counted_but_not_passed_on()
    {
        var ct = TestContext.Current.CancellationToken;
        var clip = await H264Clip.GenerateAsync(new H264ClipOptions(Seconds: 2, FramesPerSecond: 30, GopFrames: 60), cancellationToken: ct);
        await using var camera = new WebRtcPeerConnection(new WebRtcSettings { BindAddresses = [IPAddress.Loopback] });
        var track = camera.AddVideoTrack(new VideoTrackSettings { KeyframeRequestInterval = TimeSpan.FromHours(1) });
        var requests = System.Threading.Channels.Channel.CreateUnbounded<KeyframeRequestReason>();
        track.KeyframeRequested += (_, e) => requests.Writer.TryWrite(e.Reason);
        await using var viewer = new LoopbackViewer();
        await viewer.ConnectAsync(camera, ct);
        Assert.Equal(KeyframeRequestReason.NewViewer, await requests.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct));
        await using var pump = new MediaPump(track, clip, 30);
        await Until(() => viewer.Locked(v => v.Frames) >= 5, ct);
        var ssrc = viewer.Locked(v => v.MediaSsrc);

        viewer.SendRtcp(b => RtcpWriter.WritePli(b, LoopbackViewer.RtcpSsrc, ssrc));
        viewer.SendRtcp(b => RtcpWriter.WriteFir(b, LoopbackViewer.RtcpSsrc, ssrc, 1));
        await Until(() => camera.GetStats() is { PlisReceived: 1, FirsReceived: 1 }, ct);

        // Both arrived and were counted; neither reached the encoder within the hour since the viewer's own request.
        Assert.False(requests.Reader.TryRead(out var extra), $"a {extra} keyframe request was passed on within the interval");
    }

    private static Task Until(Func<bool> condition, CancellationToken ct) =>
        Eventually.WaitAsync(condition, TimeSpan.FromSeconds(15), "the RTCP exchange", ct, TimeSpan.FromMilliseconds(20));
}
