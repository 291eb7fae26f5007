namespace Vigil.Server.Features.Cameras;

/// <summary>
/// One failed attempt to bind a camera (wrong serial or secret): what the per-serial and
/// per-account limits count. Kept in the database, so every server node counts the same attempts
/// and a restart forgets none; rows older than the longer window are deleted.
/// </summary>
internal sealed class BindingFailure
{
    public required Guid Id { get; init; }

    public required Guid AccountId { get; init; }

    /// <summary>The serial as presented (it may exist or not).</summary>
    public required string Serial { get; init; }

    public string? Address { get; init; }

    public required DateTimeOffset At { get; init; }
}
