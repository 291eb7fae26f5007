namespace Vigil.Server.Features.Cameras;

/// <summary>What became of a request to create or change a camera.</summary>
internal enum CameraOutcome
{
    Done,

    /// <summary>No such camera (none of the owner's, when an owner is given: another user's camera reads as missing).</summary>
    NotFound,

    /// <summary>Several cameras have that name; only possible when no owner narrows the search (the operator's commands).</summary>
    Ambiguous,

    /// <summary>The name is empty, too long or has control characters; the result's problem says which.</summary>
    InvalidName,

    /// <summary>The owner already has a camera of that name.</summary>
    DuplicateName,

    /// <summary>The owner has as many snapshot cameras as <c>Cameras:MaxSnapshotCamerasPerOwner</c> allows; the problem says so.</summary>
    LimitReached,
}
