using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Vision;

/// <summary>
/// At most <c>Vision:DetectionApiConcurrency</c> detection API requests read their picture and
/// run the detector at once; the next is answered 503 with <c>Retry-After</c> at once instead of
/// queueing (its clients retry), so a burst cannot hold memory or starve snapshot processing.
/// </summary>
internal sealed class DetectionApiLimiter(IOptions<VisionOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.DetectionApiConcurrency, options.Value.DetectionApiConcurrency);

    public void Dispose() => _slots.Dispose();

    /// <summary>One request's slot, taken at most once and given back when disposed.</summary>
    public sealed class Slot(DetectionApiLimiter limiter) : IDisposable
    {
        private bool _held;

        public bool TryEnter() => _held || (_held = limiter._slots.Wait(0));

        public void Dispose()
        {
            if (_held)
            {
                _held = false;
                limiter._slots.Release();
            }
        }
    }
}
