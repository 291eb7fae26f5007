using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cameras;

/// <summary>Problem <c>type</c> URIs of the camera API, one per refusal a client may want to tell apart.</summary>
internal static class CameraProblemTypes
{
    private const string Base = ProblemTypes.Base;

    /// <summary>403: unknown serial number or wrong secret (one answer for both).</summary>
    public const string WrongSerialOrSecret = Base + "wrong-serial-or-secret";

    /// <summary>409: the secret was right, but another account owns the camera.</summary>
    public const string AlreadyBound = Base + "camera-already-bound";

    /// <summary>429 with Retry-After: too many failed bind attempts on this serial or from this account.</summary>
    public const string TooManyAttempts = Base + "too-many-attempts";

    /// <summary>403: the secret was right, but the operator revoked the serial.</summary>
    public const string Revoked = Base + "camera-revoked";

    /// <summary>409: the request needs a live camera (viewer credentials, viewer URL) and this is a snapshot camera.</summary>
    public const string NotLive = Base + "camera-not-live";

    /// <summary>409: the live camera has not provisioned yet (no signaling channel to view).</summary>
    public const string NotProvisioned = Base + "camera-not-provisioned";
}
