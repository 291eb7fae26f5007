namespace Vigil.Server.Features.Provisioning;

internal enum FleetProvisioningOperation
{
    CreateKeysAndCertificate,
    CreateCertificateFromCsr,
    RegisterThing,
}
