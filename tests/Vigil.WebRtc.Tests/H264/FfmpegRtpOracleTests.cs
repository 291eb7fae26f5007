using System.Net;
using System.Net.Sockets;
using Vigil.TestSupport;
using Vigil.WebRtc.H264;
using Vigil.WebRtc.Rtp;

namespace Vigil.WebRtc.Tests.H264;

/// Packetization checked by an independent depacketizer and decoder: plaintext RTP from our
/// H.264 packetizer to ffmpeg (Debian) on loopback, which must decode every frame without error.
public sealed class FfmpegRtpOracleTests
{
    [Theory]
    [InlineData(0, 1188)]
    [InlineData(3, 600)]
    public async Task Ffmpeg_decodes_every_frame_we_packetize(int slices, int maxPayload)
    {
        var ct = TestContext.Current.CancellationToken;
        var ffmpeg = RequiredTool.Find("ffmpeg", "ffmpeg");
        var clip = await H264Clip.GenerateAsync(new H264ClipOptions(Width: 640, Height: 360, FramesPerSecond: 30, Seconds: 2, GopFrames: 30, BitrateKbps: 800, SlicesPerFrame: slices), cancellationToken: ct);
        var units = new List<H264AccessUnit>();
        await using (var file = File.OpenRead(clip))
        {
            await foreach (var unit in H264AccessUnitReader.ReadAsync(file, ct))
            {
                units.Add(unit);
            }
        }

        var port = FreeUdpPort();
        var sdp = Path.Combine(Path.GetTempPath(), $"vigil-oracle-{Environment.ProcessId}-{port}.sdp");
        await File.WriteAllTextAsync(sdp, $"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=oracle\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video {port} RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\n", ct);
        try
        {
            await using var decoder = ExternalProcess.Start(ffmpeg,
                ["-hide_banner", "-loglevel", "error", "-nostdin", "-protocol_whitelist", "file,udp,rtp", "-i", sdp,
                 "-frames:v", (units.Count + 10).ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", "framecrc", "-"]);
            await WaitUntilBound(port, ct);

            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var target = new IPEndPoint(IPAddress.Loopback, port);
            var packetizer = new H264Packetizer(maxPayload);
            var buffer = new byte[1500];
            ushort sequence = 1000;
            // Two passes over the clip (timestamps keep rising): the second one pushes every frame of
            // the first out of ffmpeg's jitter buffer, and ffmpeg stops after units + 10 frames.
            for (var i = 0; i < 2 * units.Count; i++)
            {
                packetizer.Prepare(units[i % units.Count].Data);
                foreach (var packet in packetizer.Packets)
                {
                    RtpHeader.Write(buffer, packet.Marker, 96, sequence++, (uint)(i * 3000), 0x1234);
                    var length = 12 + packetizer.Write(packet, buffer.AsSpan(12));
                    socket.SendTo(buffer.AsSpan(0, length), target);
                }

                await Task.Delay(5, ct); // pace a little so the loopback receive buffer never overflows
            }


            var code = await decoder.WaitForExitAsync(TimeSpan.FromSeconds(30), ct);
            var frames = decoder.Output.Split('\n').Count(l => l.StartsWith("0,", StringComparison.Ordinal));
            var errors = decoder.Output.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("0,", StringComparison.Ordinal)).ToList();
            Assert.True(code == 0, decoder.Output);
            Assert.Equal(units.Count + 10, frames);
            Assert.True(errors.Count == 0, "ffmpeg reported: " + string.Join('\n', errors));
        }
        finally
        {
            File.Delete(sdp);
        }
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// ffmpeg prints nothing when it starts listening; its socket showing up in /proc/net/udp is
    /// the signal (probing by binding the port ourselves would race with ffmpeg's own bind).
    private static Task WaitUntilBound(int port, CancellationToken ct)
    {
        var needle = ":" + port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture) + " ";
        return Eventually.WaitAsync(
            async () => (await File.ReadAllTextAsync("/proc/net/udp", ct)).Contains(needle, StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), $"ffmpeg to bind UDP port {port}", ct, TimeSpan.FromMilliseconds(20));
    }
}
