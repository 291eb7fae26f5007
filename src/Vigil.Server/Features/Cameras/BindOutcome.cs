namespace Vigil.Server.Features.Cameras;

internal enum BindOutcome
{
    /// <summary>The camera is now the caller's (or already was: binding again is harmless).</summary>
    Bound,

    /// <summary>Unknown serial or wrong secret: one answer for both.</summary>
    WrongSerialOrSecret,

    /// <summary>Too many failed attempts on this serial or from this account; retry after the result's wait.</summary>
    TooManyAttempts,

    /// <summary>The secret is right, but another account owns the camera.</summary>
    AlreadyBound,

    /// <summary>The secret is right, but the operator revoked the serial.</summary>
    Revoked,

    /// <summary>The secret is right, but the name asked for is not usable (the result's problem says why) or already taken.</summary>
    InvalidName,
}
