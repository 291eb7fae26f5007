using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Features.Pki;

/// <summary>Section <c>Pki</c>: Vigil's certificate authority.</summary>
internal sealed class PkiOptions : IValidatableObject
{
    public const string Section = "Pki";

    /// <summary>
    /// Extra DNS names or IP addresses for the server certificate, besides <c>localhost</c>,
    /// <c>127.0.0.1</c>, <c>::1</c>, the host name and <c>Server:PublicHost</c>.
    /// </summary>
    public IList<string> ServerNames { get; } = [];

    [Range(1, 825, ErrorMessage = "must be from 1 to 825 days")]
    public int ServerCertificateDays { get; set; } = 397;

    /// <summary>The server certificate is reissued at start-up when it expires within this many days.</summary>
    [Range(1, 365, ErrorMessage = "must be from 1 to 365 days")]
    public int RenewBeforeDays { get; set; } = 30;

    /// <summary>Claim certificates go into firmware and must outlive it.</summary>
    [Range(1, 10_950, ErrorMessage = "must be from 1 to 10950 days")]
    public int ClaimCertificateDays { get; set; } = 3650;

    [Range(1, 10_950, ErrorMessage = "must be from 1 to 10950 days")]
    public int DeviceCertificateDays { get; set; } = 3650;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var name in ServerNames)
        {
            if (Uri.CheckHostName(name) == UriHostNameType.Unknown)
            {
                yield return new ValidationResult($"'{name}' is not a DNS name or IP address", [nameof(ServerNames)]);
            }
        }

        if (RenewBeforeDays >= ServerCertificateDays)
        {
            yield return new ValidationResult("must be shorter than Pki:ServerCertificateDays", [nameof(RenewBeforeDays)]);
        }
    }
}
