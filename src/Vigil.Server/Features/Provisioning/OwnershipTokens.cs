using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Certificate ownership tokens (spec §4.3): an authenticated-encrypted blob (Data Protection,
/// shared by every node) naming the new certificate and the claim certificate of the connection
/// that asked for it, with its issue time. Valid for one hour and only from a connection with the
/// same claim certificate. Single use comes from the certificate itself: RegisterThing activates a
/// PENDING_ACTIVATION certificate atomically, so a second use finds it ACTIVE and is refused.
/// </summary>
internal sealed class OwnershipTokens(IDataProtectionProvider protection, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private const byte Version = 1;
    private readonly IDataProtector _protector = protection.CreateProtector("Vigil.Provisioning.CertificateOwnershipToken.v1");

    public string Issue(string certificateId, string claimCertificateId)
    {
        var certificate = Encoding.ASCII.GetBytes(certificateId);
        var claim = Encoding.ASCII.GetBytes(claimCertificateId);
        var plain = new byte[1 + 8 + 1 + certificate.Length + claim.Length];
        plain[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(plain.AsSpan(1), time.GetUtcNow().ToUnixTimeMilliseconds());
        plain[9] = checked((byte)certificate.Length);
        certificate.CopyTo(plain, 10);
        claim.CopyTo(plain, 10 + certificate.Length);
        return WebEncoders.Base64UrlEncode(_protector.Protect(plain));
    }

    /// <summary>Reads a token; false (with the reason) when it is malformed, forged, expired or was issued to another claim certificate.</summary>
    public bool TryRead(string? token, string claimCertificateId, out string certificateId, out string reason)
    {
        certificateId = "";
        if (string.IsNullOrEmpty(token) || token.Length > 2048)
        {
            reason = "the certificate ownership token is missing or malformed";
            return false;
        }

        byte[] plain;
        try
        {
            plain = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            reason = "the certificate ownership token is not valid";
            return false;
        }

        if (plain.Length < 10 || plain[0] != Version || 10 + plain[9] > plain.Length)
        {
            reason = "the certificate ownership token is not valid";
            return false;
        }

        var issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(1)));
        if (time.GetUtcNow() - issued > Lifetime)
        {
            reason = "the certificate ownership token has expired (they are valid for one hour); request a new certificate";
            return false;
        }

        var claim = Encoding.ASCII.GetString(plain, 10 + plain[9], plain.Length - 10 - plain[9]);
        if (claim != claimCertificateId)
        {
            reason = "the certificate ownership token was issued to another claim certificate";
            return false;
        }

        certificateId = Encoding.ASCII.GetString(plain, 10, plain[9]);
        reason = "";
        return true;
    }
}
