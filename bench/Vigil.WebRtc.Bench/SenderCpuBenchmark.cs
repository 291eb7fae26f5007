using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.TestSupport;
using Vigil.WebRtc.H264;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Srtp;
using Vigil.WebRtc.Transport;

namespace Vigil.WebRtc.Bench;

/// Process CPU time of the sender while it streams a 2 Mbps 1280×720 30 fps H.264 clip in real time.
/// Local mode: VideoTrack → SRTP → UDP to a loopback socket nobody reads (the kernel drops what
/// overflows), measured as this process's CPU. Chromium mode: a whole WebRtcPeerConnection (ICE,
/// consent, RTCP, DTLS, H264FileSource pacing) in a child process (<see cref="CameraProcess"/>)
/// streaming to headless Chromium in a network namespace; only the child's CPU is counted, not
/// the Playwright client, Chromium or its driver.
internal static class SenderCpuBenchmark
{
    private static readonly H264ClipOptions Clip = new(Width: 1280, Height: 720, FramesPerSecond: 30, Seconds: 20, GopFrames: 60, BitrateKbps: 2000);

    public static async Task RunAsync(int runs, int seconds, int warmup, bool chromium, bool idle)
    {
        var clip = await H264Clip.GenerateAsync(Clip);
        Console.WriteLine($"sender CPU, {Clip.Width}x{Clip.Height} {Clip.FramesPerSecond} fps {Clip.BitrateKbps} kbit/s clip (looped), {runs} runs x {seconds} s after {warmup} s warm-up, " +
            $"mode {(chromium ? (idle ? "full connection to Chromium, media stopped after connecting (idle overhead)" : "full connection to Chromium") : "media path to a local socket")}, frames from H264FileSource");
        Console.WriteLine("| run | CPU (% of one core) | payload sent (kbit/s) | packets/s |");
        Console.WriteLine("|---|---|---|---|");
        var results = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var (cpu, kbps, pps) = chromium ? await MeasureChromiumAsync(clip, seconds, warmup, idle) : await MeasureLocalAsync(clip, seconds, warmup);
            results.Add(cpu);
            Console.WriteLine($"| {run} | {cpu:0.00} % | {kbps:0} | {pps:0} |");
        }

        Console.WriteLine($"median CPU: {MachineInfo.Median(results):0.00} % of one core per stream");
    }

    private static async Task<(double Cpu, double Kbps, double Pps)> MeasureLocalAsync(string clip, int seconds, int warmup)
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var socket = UdpEndpoint.Bind(IPAddress.Loopback, 0, 0, 1024 * 1024);
        var host = new HostBase(socket, new IceCandidate("1", 1, "udp", 1, "127.0.0.1", socket.LocalEndPoint.Port, IceCandidateType.Host));
        var remote = new IceRemoteCandidate(new IceCandidate("2", 1, "udp", 1, "127.0.0.1", ((IPEndPoint)receiver.LocalEndPoint!).Port, IceCandidateType.Host), (IPEndPoint)receiver.LocalEndPoint!);
        var path = new MediaPath(new IceCandidatePair(host, remote, 0));
        using var srtp = new SrtpContext(SrtpProfile.Aes128CmHmacSha1Tag80, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(14));
        var track = new VideoTrack(new VideoTrackSettings(), 1188, TimeProvider.System, NullLogger.Instance) { PayloadType = 108 };
        track.Attach(srtp, () => path);

        using var stop = new CancellationTokenSource();
        var pump = PumpAsync(track, clip, stop.Token);
        var result = await MeasureAsync(track, seconds, warmup);
        await stop.CancelAsync();
        await pump;
        socket.Dispose();
        return result;
    }

    private static async Task<(double Cpu, double Kbps, double Pps)> MeasureChromiumAsync(string clip, int seconds, int warmup, bool idle)
    {
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(new ChromiumOptions(ns, HideLocalIpsWithMdns: false));
        WebRtcViewerPage? page = null;
        var early = new List<CameraProcess.Message>();
        await using var camera = CameraProcess.Start(ns.HostAddress, clip, Clip.FramesPerSecond, candidate =>
        {
            lock (early)
            {
                if (page is null)
                {
                    early.Add(candidate);
                    return;
                }
            }

            page.AddCandidate(candidate.Candidate, candidate.Mid!, candidate.Index, candidate.Ufrag!);
        });
        await using var viewer = await WebRtcViewerPage.OpenAsync(browser, new { }, camera.AnswerAsync, c => _ = camera.AddRemoteCandidateAsync(c));
        lock (early)
        {
            page = viewer;
            early.ForEach(c => viewer.AddCandidate(c.Candidate, c.Mid!, c.Index, c.Ufrag!));
        }

        var connected = await viewer.WaitForAsync(s => s.FramesDecoded > 30, TimeSpan.FromSeconds(30), CancellationToken.None);
        if (connected.FramesDecoded <= 30)
        {
            throw new InvalidOperationException("Chromium decoded nothing: " + connected);
        }

        if (idle)
        {
            // Connection overhead alone: media stops, ICE consent, RTCP and the receive path go on.
            await camera.PauseAsync();
        }

        // Warm-up: a fresh process still spends a visible share of its CPU in the JIT (tiered
        // compilation, PGO) for tens of seconds; a camera agent runs for days.
        await Task.Delay(TimeSpan.FromSeconds(warmup));
        var process = camera.Process;
        process.Refresh();
        var (cpuBefore, userBefore, kernelBefore) = (process.TotalProcessorTime, process.UserProcessorTime, process.PrivilegedProcessorTime);
        var (bytesBefore, packetsBefore, _, workItemsBefore) = await camera.StatsAsync();
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        process.Refresh();
        var elapsed = clock.Elapsed;
        var cpu = (process.TotalProcessorTime - cpuBefore) / elapsed * 100;
        Console.WriteLine($"<!-- camera process: user {(process.UserProcessorTime - userBefore) / elapsed * 100:0.00} %, kernel {(process.PrivilegedProcessorTime - kernelBefore) / elapsed * 100:0.00} % -->");
        var (bytes, packets, text, workItems) = await camera.StatsAsync();
        Console.WriteLine($"<!-- camera thread-pool work items: {(workItems - workItemsBefore) / elapsed.TotalSeconds:0} per second -->");
        var after = await viewer.StatsAsync();
        Console.WriteLine($"<!-- chromium: {after} -->");
        Console.WriteLine($"<!-- camera: {text} -->");
        if (!idle && after.FramesDecoded <= connected.FramesDecoded)
        {
            throw new InvalidOperationException("Chromium stopped decoding during the measurement: " + after);
        }

        return (cpu, (bytes - bytesBefore) * 8 / elapsed.TotalSeconds / 1000, (packets - packetsBefore) / elapsed.TotalSeconds);
    }

    private static async Task<(double Cpu, double Kbps, double Pps)> MeasureAsync(VideoTrack track, int seconds, int warmup)
    {
        await Task.Delay(TimeSpan.FromSeconds(warmup)); // warm-up: JIT tiers settle, first IDR sent
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var userBefore = process.UserProcessorTime;
        var kernelBefore = process.PrivilegedProcessorTime;
        var bytesBefore = track.PayloadBytesSent;
        var packetsBefore = track.PacketsSent;
        var workItemsBefore = ThreadPool.CompletedWorkItemCount;
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore) / clock.Elapsed * 100;
        Console.WriteLine($"<!-- user {(process.UserProcessorTime - userBefore) / clock.Elapsed * 100:0.00} %, kernel {(process.PrivilegedProcessorTime - kernelBefore) / clock.Elapsed * 100:0.00} % -->");
        Console.WriteLine($"<!-- thread-pool work items: {(ThreadPool.CompletedWorkItemCount - workItemsBefore) / clock.Elapsed.TotalSeconds:0} per second -->");
        var kbps = (track.PayloadBytesSent - bytesBefore) * 8 / clock.Elapsed.TotalSeconds / 1000;
        var pps = (track.PacketsSent - packetsBefore) / clock.Elapsed.TotalSeconds;
        return (cpu, kbps, pps);
    }

    private static async Task PumpAsync(VideoTrack track, string clip, CancellationToken ct)
    {
        try
        {
            await foreach (var unit in new H264FileSource(clip, Clip.FramesPerSecond).ReadAsync(ct))
            {
                await track.WriteAsync(unit.AccessUnit, unit.Timestamp, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
