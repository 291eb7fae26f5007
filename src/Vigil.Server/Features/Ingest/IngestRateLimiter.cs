using System.Net;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Cluster;

namespace Vigil.Server.Features.Ingest;

/// <summary>
/// Ingest limits: messages per camera and per client address per minute (fixed one-minute windows on the
/// injected clock), counted by <see cref="IRateWindowStore"/>: by this node alone, or, in a cluster, for every
/// node together (docs/scale-out.md).
/// </summary>
internal sealed class IngestRateLimiter(IOptions<IngestOptions> options, IRateWindowStore windows, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    public ValueTask<bool> TryAcquireCameraAsync(Guid cameraId, CancellationToken cancellationToken) =>
        TryAcquireAsync("ingest:camera:" + cameraId.ToString("N"), options.Value.MaxMessagesPerCameraPerMinute, cancellationToken);

    public ValueTask<bool> TryAcquireAddressAsync(IPAddress? address, CancellationToken cancellationToken) =>
        address is null
            ? ValueTask.FromResult(true)
            : TryAcquireAsync("ingest:ip:" + (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address), options.Value.MaxMessagesPerIpPerMinute, cancellationToken);

    private async ValueTask<bool> TryAcquireAsync(string key, int limit, CancellationToken cancellationToken) =>
        (await windows.IncrementAsync(key, time.GetUtcNow().ToUnixTimeSeconds() / 60, Lifetime, cancellationToken)).Current <= limit;
}
