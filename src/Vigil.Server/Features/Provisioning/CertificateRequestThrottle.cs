using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Limits CreateKeysAndCertificate and CreateCertificateFromCsr: a token bucket per claim
/// certificate (<c>Provisioning:CertificateRequestsPerClaimPerMinute</c>) and one per source
/// address (<c>Provisioning:CertificateRequestsPerAddressPerMinute</c>), refilled every minute.
/// Each request costs a key pair or a signature and a pending certificate row, so a leaked claim
/// certificate, or many of them from one address, cannot make the server mint without end. The
/// address's bucket is asked first. The state is per node.
/// </summary>
internal sealed class CertificateRequestThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perClaim;
    private readonly PartitionedRateLimiter<IPAddress> _perAddress;

    public CertificateRequestThrottle(IOptions<ProvisioningOptions> options)
    {
        PerClaim = options.Value.CertificateRequestsPerClaimPerMinute;
        PerAddress = options.Value.CertificateRequestsPerAddressPerMinute;
        _perClaim = PartitionedRateLimiter.Create<string, string>(claim => RateLimitPartition.GetTokenBucketLimiter(claim, _ => PerMinute(PerClaim)));
        _perAddress = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => PerMinute(PerAddress)));
    }

    public int PerClaim { get; }

    public int PerAddress { get; }

    /// <summary>Null when the request may go ahead; otherwise why not, for the device's error message.</summary>
    public string? TryAcquire(DevicePrincipal claim)
    {
        var address = claim.IpAddress is { } text && IPAddress.TryParse(text, out var parsed)
            ? parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed
            : IPAddress.None;
        using var byAddress = _perAddress.AttemptAcquire(address);
        if (!byAddress.IsAcquired)
        {
            return $"too many certificate requests from this address (at most {PerAddress} a minute); try again later";
        }

        using var byClaim = _perClaim.AttemptAcquire(claim.CertificateId);
        return byClaim.IsAcquired ? null : $"too many certificate requests with this claim certificate (at most {PerClaim} a minute); try again later";
    }

    public void Dispose()
    {
        _perClaim.Dispose();
        _perAddress.Dispose();
    }

    private static TokenBucketRateLimiterOptions PerMinute(int count) => new()
    {
        TokenLimit = count,
        TokensPerPeriod = count,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
