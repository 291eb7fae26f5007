using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Ingest;

/// <summary>
/// Ingest limits: messages per camera and per client address per minute (fixed one-minute
/// windows on the injected clock). In-process: each server node counts its own traffic.
/// </summary>
internal sealed class IngestRateLimiter(IOptions<IngestOptions> options, TimeProvider time)
{
    private const int PurgeThreshold = 10_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new();

    public bool TryAcquireCamera(Guid cameraId) => TryAcquire("camera:" + cameraId.ToString("N"), options.Value.MaxMessagesPerCameraPerMinute);

    public bool TryAcquireAddress(IPAddress? address) =>
        address is null || TryAcquire("ip:" + (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address), options.Value.MaxMessagesPerIpPerMinute);

    private bool TryAcquire(string key, int limit)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        if (_windows.Count > PurgeThreshold)
        {
            foreach (var (k, w) in _windows)
            {
                if (w.Minute < minute)
                {
                    _windows.TryRemove(k, out _);
                }
            }
        }

        var window = _windows.GetOrAdd(key, _ => new Window());
        lock (window)
        {
            if (window.Minute != minute)
            {
                window.Minute = minute;
                window.Count = 0;
            }

            if (window.Count >= limit)
            {
                return false;
            }

            window.Count++;
            return true;
        }
    }

    private sealed class Window
    {
        public long Minute { get; set; } = -1;

        public int Count { get; set; }
    }
}
