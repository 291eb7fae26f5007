namespace Vigil.Server.Features.Pki;

/// <summary>The AWS IoT certificate states Vigil uses.</summary>
internal enum CertificateStatus
{
    Active,

    /// <summary>Issued by fleet provisioning, waiting for RegisterThing; discarded if never registered.</summary>
    PendingActivation,

    Inactive,

    Revoked,
}
