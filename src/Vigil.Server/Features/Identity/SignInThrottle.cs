using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// Limits credential form posts (password, TOTP, recovery code, sign-up) per client IP address:
/// a token bucket of <c>Identity:SignInAttemptsPerMinute</c>, refilled every minute. Pages stay
/// free to load; only the attempts count. Account lockout limits guesses per account; this limits
/// one address spraying many accounts. The state is per node.
/// </summary>
internal sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _limiter;

    public SignInThrottle(IOptions<IdentityOptions> options)
    {
        var perMinute = options.Value.SignInAttemptsPerMinute;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = perMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>True when this address may make one more attempt now.</summary>
    public bool TryAcquire(IPAddress? address)
    {
        var key = address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        using var lease = _limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
