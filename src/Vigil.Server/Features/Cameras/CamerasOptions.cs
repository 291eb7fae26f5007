using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Features.Cameras;

/// <summary>Section <c>Cameras</c>: binding limits, viewer credentials and the status stream.</summary>
internal sealed class CamerasOptions : IValidatableObject
{
    public const string Section = "Cameras";

    /// <summary>Failed bind attempts on one serial number (from any account) within <see cref="BindFailureWindowPerSerial"/> before it answers 429.</summary>
    [Range(1, 1000, ErrorMessage = "must be from 1 to 1000")]
    public int BindFailuresPerSerial { get; set; } = 5;

    public TimeSpan BindFailureWindowPerSerial { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed bind attempts of one account (on any serial) within <see cref="BindFailureWindowPerAccount"/> before it answers 429.</summary>
    [Range(1, 10_000, ErrorMessage = "must be from 1 to 10000")]
    public int BindFailuresPerAccount { get; set; } = 20;

    public TimeSpan BindFailureWindowPerAccount { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long viewer credentials last: 15 minutes (the shortest temporary credentials) to 1 hour.</summary>
    public TimeSpan ViewerCredentialLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a pre-signed viewer URL may be used to connect (X-Amz-Expires): 10 seconds to 15 minutes.</summary>
    public TimeSpan ViewerUrlLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the camera status stream sends a heartbeat comment when nothing changes.</summary>
    public TimeSpan StatusHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Snapshot cameras one owner may have (storage fairness: each adds pictures to the owner's share).</summary>
    [Range(1, 10_000, ErrorMessage = "must be from 1 to 10000")]
    public int MaxSnapshotCamerasPerOwner { get; set; } = 32;

    /// <summary>How often each server node looks for presence changes to stream (made by any node).</summary>
    public TimeSpan StatusPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value, min, max) in new[]
        {
            (nameof(BindFailureWindowPerSerial), BindFailureWindowPerSerial, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            (nameof(BindFailureWindowPerAccount), BindFailureWindowPerAccount, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            (nameof(ViewerCredentialLifetime), ViewerCredentialLifetime, TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)),
            (nameof(ViewerUrlLifetime), ViewerUrlLifetime, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(15)),
            (nameof(StatusHeartbeat), StatusHeartbeat, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)),
            (nameof(StatusPollInterval), StatusPollInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2)),
        })
        {
            if (value < min || value > max)
            {
                yield return new ValidationResult($"must be between {min:c} and {max:c}", [name]);
            }
        }
    }
}
