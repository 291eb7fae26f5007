namespace Vigil.Server.Features.Devices;

/// <summary>What the manufacturing registry says about a serial number and a secret someone presented.</summary>
internal enum SecretCheck
{
    /// <summary>The serial is registered, not revoked, and the secret is its secret.</summary>
    Valid,

    /// <summary>The serial is unknown or the secret is wrong: the two are one answer, reached in the same time.</summary>
    WrongSerialOrSecret,

    /// <summary>The secret is right, but the operator revoked the serial (said only to someone who knows the secret).</summary>
    Revoked,
}
