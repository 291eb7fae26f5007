using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Vigil.WebRtc.H264;

namespace Vigil.WebRtc.Bench;

/// The sender in a process of its own, so its CPU time is measured without the benchmark's
/// Playwright client, Chromium launcher and namespace helpers. Signaling with the parent is one
/// JSON object per line on stdin/stdout: the parent sends the offer and the browser's
/// candidates, the child answers, trickles its candidates and, when asked, reports its counters.
internal sealed class CameraProcess : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Process _process;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Task _reader;
    private readonly TaskCompletionSource<string> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<Message> _stats = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CameraProcess(Process process, Action<Message> onCandidate)
    {
        _process = process;
        _reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                var message = JsonSerializer.Deserialize<Message>(line, Json)!;
                switch (message.Type)
                {
                    case "answer":
                        _answer.TrySetResult(message.Sdp!);
                        break;
                    case "candidate":
                        onCandidate(message);
                        break;
                    case "stats" or "paused":
                        _stats.TrySetResult(message);
                        break;
                    default:
                        break;
                }
            }

            _answer.TrySetException(new InvalidOperationException("the camera process ended: " + await process.StandardError.ReadToEndAsync()));
        });
    }

    public Process Process => _process;

    /// Starts this executable in camera mode, binding <paramref name="bind"/> and streaming <paramref name="clip"/>.
    public static CameraProcess Start(IPAddress bind, string clip, int framesPerSecond, Action<Message> onCandidate)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "camera", bind.ToString(), clip, framesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return new CameraProcess(Process.Start(start)!, onCandidate);
    }

    public async Task<string> AnswerAsync(string offer)
    {
        await SendAsync(new Message("offer", Sdp: offer));
        return await _answer.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public Task AddRemoteCandidateAsync(string? candidate) => SendAsync(new Message("candidate", Candidate: candidate));

    /// Payload bytes and packets the camera has sent so far.
    public async Task<(long Bytes, long Packets, string Text, long WorkItems)> StatsAsync()
    {
        _stats = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        await SendAsync(new Message("stats"));
        var stats = await _stats.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return (stats.Bytes, stats.Packets, stats.Text ?? string.Empty, stats.WorkItems);
    }

    /// Stops the media (the connection stays up).
    public async Task PauseAsync()
    {
        _stats = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        await SendAsync(new Message("pause"));
        await _stats.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendAsync(new Message("stop"));
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception exception) when (exception is IOException or TimeoutException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _reader.WaitAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
        _writeGate.Dispose();
    }

    private async Task SendAsync(Message message)
    {
        // Browser candidates arrive on Playwright's thread while the offer may be on its way: one line at a time.
        await _writeGate.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(message, Json));
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// The child side: a WebRtcPeerConnection driven by the parent's lines.
    public static async Task<int> RunChildAsync(IPAddress bind, string clip, int framesPerSecond)
    {
        var output = Console.Out;
        var gate = new Lock();
        void Write(Message message)
        {
            lock (gate)
            {
                output.WriteLine(JsonSerializer.Serialize(message, Json));
                output.Flush();
            }
        }

        await using var camera = new WebRtcPeerConnection(new WebRtcSettings { BindAddresses = [bind] });
        var track = camera.AddVideoTrack();
        camera.LocalCandidate += (_, e) => Write(new Message("candidate", Candidate: e.Candidate, Mid: e.SdpMid, Index: e.SdpMLineIndex, Ufrag: e.UsernameFragment));
        using var stop = new CancellationTokenSource();
        Task? pump = null;
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var message = JsonSerializer.Deserialize<Message>(line, Json)!;
            if (message.Type == "offer")
            {
                Write(new Message("answer", Sdp: await camera.AcceptOfferAsync(message.Sdp!)));
                pump = PumpAsync(track, clip, framesPerSecond, stop.Token);
            }
            else if (message.Type == "candidate")
            {
                camera.AddRemoteCandidate(message.Candidate);
            }
            else if (message.Type == "stats")
            {
                var stats = camera.GetStats();
                Write(new Message("stats", Bytes: stats.PayloadBytesSent, Packets: stats.PacketsSent, Text: stats.ToString(),
                    WorkItems: ThreadPool.CompletedWorkItemCount));
            }
            else if (message.Type == "pause")
            {
                // Idle mode: media stops, the connection (ICE consent, RTCP, receive loops) goes on.
                await stop.CancelAsync();
                if (pump is not null)
                {
                    await pump;
                }

                Write(new Message("paused"));
            }
            else if (message.Type == "stop")
            {
                break;
            }
        }

        await stop.CancelAsync();
        if (pump is not null)
        {
            await pump;
        }

        return 0;
    }

    private static async Task PumpAsync(VideoTrack track, string clip, int framesPerSecond, CancellationToken ct)
    {
        try
        {
            await foreach (var unit in new H264FileSource(clip, framesPerSecond).ReadAsync(ct))
            {
                await track.WriteAsync(unit.AccessUnit, unit.Timestamp, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    /// One line of the parent/child protocol.
    internal sealed record Message(
        string Type, string? Sdp = null, string? Candidate = null, string? Mid = null, int Index = 0, string? Ufrag = null,
        long Bytes = 0, long Packets = 0, string? Text = null, long WorkItems = 0);
}
