using System.Net;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Cluster;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// Limits credential form posts (password, TOTP, recovery code, sign-up, password change) per client IP
/// address to <c>Identity:SignInAttemptsPerMinute</c> in a sliding minute. Pages stay free to load; only the
/// attempts count, refused ones too (an address that keeps trying stays refused). Account lockout limits
/// guesses per account; this limits one address spraying many accounts. Counted by
/// <see cref="IRateWindowStore"/>: by this node alone, or in a cluster for all nodes together, so N nodes
/// do not allow N times the attempts (docs/scale-out.md).
/// </summary>
internal sealed class SignInThrottle(IOptions<IdentityOptions> options, IRateWindowStore windows, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    /// <summary>True when this address may make one more attempt now.</summary>
    public async ValueTask<bool> TryAcquireAsync(IPAddress? address, CancellationToken cancellationToken)
    {
        var key = address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var count = await windows.IncrementAsync("signin:ip:" + key, now / 60_000, Lifetime, cancellationToken);
        return count.Sliding(now % 60_000 / 60_000d) <= options.Value.SignInAttemptsPerMinute;
    }
}
