using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Features.Events;

/// <summary>Section <c>Events</c>: how long events and their pictures are kept.</summary>
internal sealed class EventsOptions : IValidatableObject
{
    public const string Section = "Events";

    /// <summary>Events older than this many days are deleted with their pictures; 0 keeps them forever.</summary>
    [Range(0, 36500, ErrorMessage = "must be from 0 to 36500")]
    public int RetentionDays { get; set; } = 30;

    /// <summary>When the pictures take more than this many bytes, the oldest events are deleted; 0 = no limit.</summary>
    [Range(0, long.MaxValue, ErrorMessage = "must be 0 or more")]
    public long MaxStorageBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>
    /// One owner's events may take at most this many bytes of pictures (their oldest are deleted
    /// beyond it); 0 = a fair share: <see cref="MaxStorageBytes"/> divided by the number of owners.
    /// </summary>
    [Range(0, long.MaxValue, ErrorMessage = "must be 0 or more")]
    public long MaxStorageBytesPerOwner { get; set; }

    /// <summary>How often retention runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetentionInterval < TimeSpan.FromSeconds(1) || RetentionInterval > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("must be between 00:00:01 and 1.00:00:00", [nameof(RetentionInterval)]);
        }
    }
}
